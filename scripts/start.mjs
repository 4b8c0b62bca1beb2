console.log("npm run start: not yet (see the open issues)");

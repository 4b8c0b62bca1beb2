console.log("npm run bench: not yet (see the open issues)");

console.log("npm run emulator: not yet (see the open issues)");

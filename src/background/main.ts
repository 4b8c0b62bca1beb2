console.debug("keysmith worker");

import { render } from "preact";
import "../ui/styles.css";
import { createWorkerClient } from "../ui/worker-client";
import { PopupApp } from "./PopupApp";

// When the bundle has been fetched and evaluated (bench/popup.ts reports it beside "keysmith-ready").
performance.mark("keysmith-script");

render(<PopupApp api={createWorkerClient()} />, document.getElementById("app")!);

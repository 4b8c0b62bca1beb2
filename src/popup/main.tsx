import { render } from "preact";
import "../ui/styles.css";
import { createWorkerClient } from "../ui/worker-client";
import { PopupApp } from "./PopupApp";

render(<PopupApp api={createWorkerClient()} />, document.getElementById("app")!);

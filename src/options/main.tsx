import { render } from "preact";
import "../ui/styles.css";
import { createWorkerClient } from "../ui/worker-client";
import { OptionsApp } from "./OptionsApp";

render(<OptionsApp api={createWorkerClient()} />, document.getElementById("app")!);

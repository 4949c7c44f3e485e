// Copies the built files the console uses from node_modules into the jar's resources.
import { copyFileSync, mkdirSync } from "node:fs";

const out = "src/main/resources/META-INF/resources/console/vendor";
mkdirSync(out, { recursive: true });
const files = {
  "node_modules/echarts/dist/echarts.min.js": "echarts.min.js",
  "node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-viewer.min.js",
  "node_modules/bpmn-js/dist/assets/diagram-js.css": "diagram-js.css",
  "node_modules/bpmn-js/dist/assets/bpmn-js.css": "bpmn-js.css",
  "node_modules/bpmn-js/dist/assets/bpmn-font/css/bpmn.css": "bpmn-font/css/bpmn.css",
  "node_modules/bpmn-js/dist/assets/bpmn-font/font/bpmn.woff2": "bpmn-font/font/bpmn.woff2",
  "node_modules/bpmn-js/dist/assets/bpmn-font/font/bpmn.woff": "bpmn-font/font/bpmn.woff",
  "node_modules/echarts/LICENSE": "LICENSE-echarts.txt",
  "node_modules/bpmn-js/LICENSE": "LICENSE-bpmn-js.txt",
};
for (const [from, to] of Object.entries(files)) {
  mkdirSync(`${out}/${to}`.replace(/\/[^/]+$/, ""), { recursive: true });
  copyFileSync(from, `${out}/${to}`);
  console.log(`${from} -> ${out}/${to}`);
}

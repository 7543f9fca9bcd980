import { benchEngine } from "./bench/engine.ts";

await benchEngine();

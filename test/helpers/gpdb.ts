// GPDB layouts for the tests; they live in base.mjs, which bench/ shares.
export { COVERAGE55, gpdb6, gpdb6Env, gpdb7, gpMgmtTree } from "./base.mjs";

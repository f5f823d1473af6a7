import dataFiles from "../../templates/data/files.py?raw";
import rules from "../../templates/data/rules.py?raw";

/**
 * A driver that reads an install's data directory (the report driver, the
 * hosts' agent) with what it needs before it: coverage's rules of which
 * files count (templates/data/rules.py) and the data files' reader
 * (templates/data/files.py).
 */
export const withDataReader = (driver: string) => `${rules}\n${dataFiles}\n${driver}`;

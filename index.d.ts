// Type declarations for wasi-rs: the same surface as Node's `wasi` module (@types/node),
// plus `finalizeBindings` and the wasi-rs extras, so code that type-checks against 'wasi'
// type-checks against 'wasi-rs'. No DOM or @types/node types are required.

export interface WASIOptions {
  /** The WASI version the guest was built for. */
  version: 'unstable' | 'preview1';
  /** The guest's command-line arguments (`argv`), argument 0 included. */
  args?: string[] | undefined;
  /** The guest's environment; undefined values are skipped. Default: empty. */
  env?: object | undefined;
  /** Guest directory name -> host directory. Each becomes a preopened fd, 3, 4, … */
  preopens?: { [guestPath: string]: string | undefined } | undefined;
  /** `proc_exit` returns from `start()` with the code instead of exiting. Default: true. */
  returnOnExit?: boolean | undefined;
  /** Host fd used as the guest's stdin. Default: 0. */
  stdin?: number | undefined;
  /** Host fd used as the guest's stdout. Default: 1. */
  stdout?: number | undefined;
  /** Host fd used as the guest's stderr. Default: 2. */
  stderr?: number | undefined;
  /**
   * wasi-rs only: print every call the guest makes, decoded (fds, paths, flag names, errno
   * names, bytes moved), to the process's stderr. Default: false.
   */
  trace?: boolean | undefined;
}

export interface FinalizeBindingsOptions {
  /** The memory to bind. Default: `instance.exports.memory`. */
  memory?: object | undefined;
}

export class WASI {
  constructor(options?: WASIOptions);
  /** `{ wasi_snapshot_preview1: wasiImport }` (or `wasi_unstable`), a new object per call. */
  getImportObject(): object;
  /** Runs `_start`; returns the exit code when the guest calls `proc_exit`, else 0. */
  start(instance: object): number;
  /** Runs `_initialize` if the reactor exports one. */
  initialize(instance: object): void;
  /** Binds memory and marks the object started without calling into the guest. */
  finalizeBindings(instance: object, options?: FinalizeBindingsOptions): void;
  /** The import functions, keyed by WASI name. */
  readonly wasiImport: { [name: string]: any };
}

declare const _default: { WASI: typeof WASI };
export default _default;

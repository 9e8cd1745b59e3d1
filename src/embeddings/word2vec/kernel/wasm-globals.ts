/**
 * The few WebAssembly JS-API types the kernel uses. The project compiles with lib ES2022 and
 * @types/node, neither of which declares the WebAssembly namespace (only lib.dom does, and pulling
 * the DOM into a Node library would be wrong). Interfaces merge, so this stays compatible if the
 * DOM lib is ever added.
 */
declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    interface Memory {
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      grow(delta: number): number;
    }
    var Memory: {
      prototype: Memory;
      new (descriptor: MemoryDescriptor): Memory;
    };
    interface Module {}
    var Module: {
      prototype: Module;
      new (bytes: ArrayBufferView | ArrayBuffer): Module;
    };
    interface Instance {
      readonly exports: Record<string, unknown>;
    }
    var Instance: {
      prototype: Instance;
      new (module: Module, imports?: Record<string, Record<string, unknown>>): Instance;
    };
    function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
    function instantiate(module: Module, imports?: Record<string, Record<string, unknown>>): Promise<Instance>;
    function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  }
}

export {};

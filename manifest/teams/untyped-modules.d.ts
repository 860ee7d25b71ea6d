/**
 * The parts of the two CommonJS packages the Teams packager uses, typed by hand: neither ships
 * types and no @types package is installed for them. Imported as default exports (the CommonJS
 * `module.exports`).
 */

declare module "yazl" {
  namespace yazl {
    class ZipFile {
      addBuffer(buffer: Buffer, name: string, options?: { mtime?: Date; mode?: number }): void;
      end(): void;
      readonly outputStream: NodeJS.ReadableStream;
    }
  }
  export = yazl;
}

declare module "pngjs" {
  namespace pngjs {
    interface PngImage {
      readonly width: number;
      readonly height: number;
      readonly data: Buffer;
    }
    const PNG: {
      new (options: { width: number; height: number }): PngImage;
      sync: { write(png: PngImage): Buffer; read(buffer: Buffer): PngImage };
    };
  }
  export = pngjs;
}

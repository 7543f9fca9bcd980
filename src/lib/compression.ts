// gzip through the platform's CompressionStream, so nothing is bundled for it.

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function gunzip(bytes: ReadableStream<Uint8Array> | ArrayBuffer | Uint8Array): Promise<string> {
  const source = bytes instanceof ReadableStream ? bytes : new Blob([bytes]).stream();
  return new Response(source.pipeThrough(new DecompressionStream("gzip"))).text();
}

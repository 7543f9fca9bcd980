// Written by scripts/vendor-reference-ui.ts: the vendored reference UI in public/docs/.
export const REFERENCE_UI = {
  package: "@scalar/api-reference",
  version: "1.76.0",
  license: "MIT",
  /** The tarball's integrity as npm published it. */
  tarballIntegrity: "sha512-pjqwnzmA9YK3ZX+IZSICMsywm4qI6HLSngR2py9H6TvFApHHuJjkTAd+gFJfnqJDzJuro8k7ji6JCtJ2U+Byng==",
  file: "scalar-api-reference-1.76.0.js",
  /** Subresource Integrity of the file, checked by the browser. */
  integrity: "sha384-oH1C0RwqcwbVXkC+r8A+4qRoyEUQdtxAzOwumkxZtQBBcsy61FOoPt7B50OVJYYQ",
} as const;

// ESM load hook: a `.ts` file is CommonJS, loaded through require's extension
// hooks (sucrase). The runner adds a query string to test-file URLs.
export async function load(url, context, next) {
  if (url.startsWith('file:') && new URL(url).pathname.endsWith('.ts')) return { format: 'commonjs', shortCircuit: true };
  return next(url, context);
}

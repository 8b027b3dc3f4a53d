// A node:test reporter that prints nothing while tests run and, at the end, one line per failed
// test (file, suite › test name, first line of the error). CI shows the tail of a run's output:
// with this last, the names of what failed are in the tail, not scattered through the TAP lines.
export default async function* failures(source) {
  const failed = [];
  const suites = new Map(); // file → names of the enclosing suites, by nesting level
  for await (const event of source) {
    const { name, nesting = 0, file = '?', details } = event.data ?? {};
    if (event.type === 'test:start') {
      const stack = suites.get(file) ?? [];
      stack.length = nesting;
      stack.push(name);
      suites.set(file, stack);
    }
    if (event.type !== 'test:fail') continue;
    const error = details?.error;
    // A suite fails because its tests did: those are listed themselves.
    if (error?.failureType === 'subtestsFailed') continue;
    const path = [...(suites.get(file) ?? []).slice(0, nesting), name].join(' › ');
    const message = String(error?.cause?.message ?? error?.message ?? error ?? '').split('\n')[0];
    failed.push(`#   ${file.replace(`${process.cwd()}/`, '')}: ${path} — ${message.slice(0, 300)}`);
  }
  if (failed.length > 0) yield `\n# ${failed.length} failed:\n${failed.join('\n')}\n`;
}

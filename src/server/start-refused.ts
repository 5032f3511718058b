/**
 * A start Usine refuses (a data dir in use, half there or damaged; a shared site it cannot
 * isolate): the message is one sentence that says why and what to do, shown without a trace.
 */
export class StartRefused extends Error {
  override readonly name = 'StartRefused';
}

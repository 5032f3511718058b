/**
 * The body of an OpenAI-style request, changed so that a streamed answer reports its usage
 * (`stream_options.include_usage: true`, which OpenAI, vLLM and others honour) and its tokens
 * can be metered. Undefined when nothing needs changing (not streamed, already asked, not JSON).
 */
export function askForStreamUsage(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const request = body as Record<string, unknown>;
  if (request['stream'] !== true) return undefined;
  const options = request['stream_options'];
  if (
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>)['include_usage'] === true
  )
    return undefined;
  return JSON.stringify({
    ...request,
    stream_options: {
      ...(typeof options === 'object' && options !== null ? options : {}),
      include_usage: true,
    },
  });
}

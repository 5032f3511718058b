import { useEffect, useId, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { readDocuments as ReadDocuments } from '../../../src/app/read-documents.js';
import { isPlacementView, PlacementExplanation } from '../components/placement-explanation.js';
import { ProblemAlert } from '../components/problem-alert.js';
import type { PlacementPreviewView } from '../../../src/api/schemas.js';
import { useLocale } from '../i18n/locale.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

const FILE_NAME = 'spec.yaml';
const EXAMPLE = `apiVersion: usine/v1
kind: Job
metadata: { name: hello }
spec:
  command: ["node", "-e", "console.log('hello')"]
  resources: { gpus: 1 }
  duration: 10m
  data: { classification: internal, residency: EU }
`;

/** `usine validate`'s reader, loaded with this page only (it is most of the bundle's weight). */
let validator: Promise<typeof ReadDocuments> | undefined;
function loadValidator(): Promise<typeof ReadDocuments> {
  validator ??= import('../../../src/app/read-documents.js').then((m) => m.readDocuments);
  return validator;
}

interface Check {
  readonly problems: readonly { line: number; col: number; path: string; message: string }[];
  readonly summary: string | undefined;
  /** The one document's kind when it is valid: a Service is served, a Job submitted. */
  readonly kind: string | undefined;
}

/** Paste or upload a spec; its problems at their line and field as it is typed; then submit it. */
export function SubmitPage() {
  const { client } = useSession();
  const { t } = useLocale();
  const [text, setText] = useState(EXAMPLE);
  const [check, setCheck] = useState<Check | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);
  const [preview, setPreview] = useState<PlacementPreviewView | undefined>(undefined);
  const editor = useRef<HTMLTextAreaElement>(null);
  const problemsId = useId();
  // one Idempotency-Key per text: a double click replays the same submission
  const idempotencyKey = useMemo(() => newIdempotencyKey(), [text]);
  // a dry run answers for the text it was run on
  useEffect(() => setPreview(undefined), [text]);

  useEffect(() => {
    let isCurrent = true;
    const timer = setTimeout(() => {
      void loadValidator().then((readDocuments) => {
        if (!isCurrent) return;
        const set = readDocuments([{ name: FILE_NAME, text }]);
        const problems = set.reports.flatMap((r) => r.diagnostics);
        const specs = set.specs.map((s) => `${s.spec.kind} ${s.spec.name}`);
        setCheck({
          problems,
          summary: specs.length > 0 ? specs.join(', ') : undefined,
          kind: set.specs[0]?.spec.kind,
        });
      });
    }, 150);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [text]);

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  };
  const goToLine = (line: number, col: number) => {
    const area = editor.current;
    if (!area) return;
    const lines = area.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0) - (col - 1));
  };
  const dryRun = async () => {
    setBusy(true);
    setError(undefined);
    setPreview(undefined);
    try {
      setPreview(await client.previewPlacement(text, text.trimStart().startsWith('{')));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const isJson = text.trimStart().startsWith('{');
      if (check?.kind === 'Service') {
        await client.serveService(text, idempotencyKey, isJson);
        navigate('/services');
      } else {
        const { job } = await client.submitJob(text, idempotencyKey, isJson);
        navigate(`/jobs/${encodeURIComponent(job.id)}`);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const isValid = check !== undefined && check.problems.length === 0;
  return (
    <>
      <h1>{t('submit.title')}</h1>
      <p>{t('submit.intro')}</p>
      <form onSubmit={submit} className="submit">
        <label htmlFor="spec-file">{t('submit.upload')}</label>
        <input id="spec-file" type="file" accept=".yaml,.yml,.json" onChange={upload} />
        <label htmlFor="spec-text">{t('submit.spec')}</label>
        <textarea
          id="spec-text"
          ref={editor}
          rows={18}
          spellCheck={false}
          value={text}
          aria-invalid={check !== undefined && !isValid}
          aria-describedby={problemsId}
          onChange={(e) => setText(e.target.value)}
        />
        <div id={problemsId} aria-live="polite" data-testid="validation">
          {check === undefined ? null : isValid ? (
            <p className="valid">{t('submit.valid', { what: check.summary ?? '' })}</p>
          ) : (
            <>
              <p className="invalid">{t('submit.problems', { n: check.problems.length })}</p>
              <ul className="diagnostics">
                {check.problems.map((p, i) => (
                  <li key={i} data-path={p.path} data-line={p.line}>
                    <button type="button" className="link" onClick={() => goToLine(p.line, p.col)}>
                      {t('submit.at', { line: p.line, col: p.col })}
                    </button>{' '}
                    {p.path ? <code>{p.path}</code> : null}
                    {p.path ? ': ' : ''}
                    {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <p className="downloads">
          {check?.kind === 'Job' ? (
            <button type="button" disabled={!isValid || isBusy} onClick={() => void dryRun()}>
              {t('submit.dryRun')}
            </button>
          ) : null}
          <button type="submit" disabled={!isValid || isBusy}>
            {t('submit.submit')}
          </button>
        </p>
      </form>
      {error !== undefined ? <ProblemAlert error={error} /> : null}
      {preview ? (
        <div data-testid="preview" data-status={preview.status}>
          <p role="status">{t(`submit.would.${preview.status}`)}</p>
          {isPlacementView(preview.placement) ? <PlacementExplanation placement={preview.placement} /> : null}
        </div>
      ) : null}
    </>
  );
}

/** 128 random bits, hex: crypto.randomUUID needs a secure context, getRandomValues does not. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

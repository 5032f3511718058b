/** Labels Usine itself puts on jobs (`usine.dev/…`). */

/** On a job a peer Usine sent: the id of the job at the origin. */
export const ORIGIN_JOB_LABEL = 'usine.dev/origin-job';
/** On a job a peer Usine sent: the origin's time limit in seconds, when the spec had to round it. */
export const ORIGIN_LIMIT_LABEL = 'usine.dev/origin-max-duration';
/** On a requeued job: the preempted job it retries. */
export const RETRY_OF_LABEL = 'usine.dev/retry-of';
/** On a replica of a Service: the service's id. */
export const SERVICE_LABEL = 'usine.dev/service';
/** On a replica of a Service: the revision of the service's spec it runs. */
export const REVISION_LABEL = 'usine.dev/revision';
/** The model a job trains, fine-tunes or serves, for the AI Act compute report (or `metadata.model`). */
export const MODEL_LABEL = 'usine.dev/model';

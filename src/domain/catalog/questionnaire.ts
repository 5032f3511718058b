import type { Criterion } from './schema.js';

/**
 * The buyer's questionnaire, as data in French and English: for each criterion a title, the
 * question asked when the answer is missing or stale, and the evidence to attach; for each
 * scorecard rule the sub-question asked when the rule withheld its point.
 */

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Wording = Readonly<Record<Language, string>>;

export interface CriterionQuestions {
  readonly title: Wording;
  readonly question: Wording;
  readonly evidence: Wording;
}

export const CRITERION_QUESTIONS: Readonly<Record<Criterion, CriterionQuestions>> = {
  infrastructure: {
    title: { en: 'Infrastructure', fr: 'Infrastructure' },
    question: {
      en: 'Where would our workloads and data be hosted, and how is that infrastructure made resilient?',
      fr: 'Où nos charges de calcul et nos données seraient-elles hébergées, et comment cette infrastructure est-elle rendue résiliente ?',
    },
    evidence: {
      en: 'the list of data centres with their address and Tier level, and your business continuity plan.',
      fr: 'la liste des centres de données avec leur adresse et leur niveau Tier, et votre plan de continuité d’activité.',
    },
  },
  partners: {
    title: { en: 'Operator and subcontractors', fr: 'Exploitant et sous-traitants' },
    question: {
      en: 'Who operates the service, which subcontractors take part in it, and under which law does each stand?',
      fr: 'Qui exploite le service, quels sous-traitants y participent, et de quel droit relève chacun d’eux ?',
    },
    evidence: {
      en: 'an extract of the trade register of the operating entity, your group structure chart and your list of subprocessors (GDPR Art. 28).',
      fr: 'un extrait Kbis (ou équivalent) de l’entité exploitante, l’organigramme de votre groupe et la liste de vos sous-traitants ultérieurs (article 28 du RGPD).',
    },
  },
  exit: {
    title: { en: 'Reversibility and exit', fr: 'Réversibilité et sortie' },
    question: {
      en: 'How would we take our data and workloads to another provider at the end of the contract, at what cost and within what time?',
      fr: 'Comment récupérerions-nous nos données et nos charges de calcul pour les transférer vers un autre fournisseur en fin de contrat, à quel coût et dans quels délais ?',
    },
    evidence: {
      en: 'your reversibility plan, your egress price list and the termination clauses of your contract.',
      fr: 'votre plan de réversibilité, votre grille tarifaire de trafic sortant et les clauses de résiliation de votre contrat.',
    },
  },
  compliance: {
    title: { en: 'Compliance', fr: 'Conformité' },
    question: {
      en: 'How do you comply with the GDPR and the AI Act, and which certifications cover the sites we would use?',
      fr: 'Comment vous conformez-vous au RGPD et au règlement européen sur l’IA (AI Act), et quelles certifications couvrent les sites que nous utiliserions ?',
    },
    evidence: {
      en: 'your data processing agreement (GDPR Art. 28) and each certificate with its issuer, scope and expiry date.',
      fr: 'votre accord de traitement des données (article 28 du RGPD) et chaque certificat avec son émetteur, son périmètre et sa date d’expiration.',
    },
  },
  scalability: {
    title: { en: 'Capacity and scalability', fr: 'Capacité et évolutivité' },
    question: {
      en: 'Which GPU generations do you offer, how do you add new ones, and how many GPUs can we obtain on demand?',
      fr: 'Quelles générations de GPU proposez-vous, comment intégrez-vous les nouvelles, et combien de GPU pouvons-nous obtenir à la demande ?',
    },
    evidence: {
      en: 'your current catalogue of GPU instances and your hardware roadmap for the next 24 months.',
      fr: 'votre catalogue actuel d’instances GPU et votre feuille de route matérielle à 24 mois.',
    },
  },
  pricing: {
    title: { en: 'Pricing', fr: 'Tarification' },
    question: {
      en: 'Which pricing models do you offer (pay-per-use, commitment), and on what terms can a commitment be ended?',
      fr: 'Quels modèles de tarification proposez-vous (paiement à l’usage, engagement), et à quelles conditions un engagement peut-il prendre fin ?',
    },
    evidence: {
      en: 'your price list, your general terms of sale and your service level agreement with its service credits.',
      fr: 'votre grille tarifaire, vos conditions générales de vente et votre accord de niveau de service (SLA) avec ses pénalités.',
    },
  },
};

const EVIDENCE_QUESTION: Wording = {
  en: 'Please attach evidence supporting your answer.',
  fr: 'Merci de joindre les justificatifs qui étayent votre réponse.',
};

/** Keyed by rule id (`criterion.rule`); a test checks every rule has its question in both languages. */
export const RULE_QUESTIONS: Readonly<Record<string, Wording>> = {
  'infrastructure.evidence': EVIDENCE_QUESTION,
  'infrastructure.locations': {
    en: 'In which data centres (city, country) would our workloads and data run?',
    fr: 'Dans quels centres de données (ville, pays) nos charges de calcul et nos données seraient-elles traitées ?',
  },
  'infrastructure.several-locations': {
    en: 'Do you operate at least two sites able to take over from one another? How far apart are they?',
    fr: 'Exploitez-vous au moins deux sites capables de prendre le relais l’un de l’autre ? Quelle distance les sépare ?',
  },
  'infrastructure.eu-sites': {
    en: 'Can you guarantee by contract that our workloads and data stay in data centres within the European Union?',
    fr: 'Pouvez-vous garantir contractuellement que nos charges de calcul et nos données restent dans des centres de données situés dans l’Union européenne ?',
  },
  'infrastructure.redundancy': {
    en: 'Describe the redundancy of power, cooling and network, the Tier level, and how failover works.',
    fr: 'Décrivez la redondance de l’alimentation électrique, du refroidissement et du réseau, le niveau Tier, et le fonctionnement de la bascule en cas de panne.',
  },
  'partners.evidence': EVIDENCE_QUESTION,
  'partners.operator': {
    en: 'Which legal entity operates the service day to day (name, registration number, seat)?',
    fr: 'Quelle entité juridique exploite le service au quotidien (raison sociale, numéro d’immatriculation, siège) ?',
  },
  'partners.subcontractors': {
    en: 'List every subcontractor that could access our data or the infrastructure, with its country (write "none" if there is none).',
    fr: 'Listez chaque sous-traitant susceptible d’accéder à nos données ou à l’infrastructure, avec son pays (indiquez « aucun » s’il n’y en a pas).',
  },
  'partners.eu-operator': {
    en: 'In which country is the operating entity incorporated, and which courts have jurisdiction over the contract?',
    fr: 'Dans quel pays l’entité exploitante est-elle immatriculée, et quelles juridictions sont compétentes pour le contrat ?',
  },
  'partners.eu-parents': {
    en: 'Is any parent company subject to a law outside the EU (for example the US CLOUD Act)? If so, what prevents it from being compelled to hand over our data?',
    fr: 'Une société mère relève-t-elle d’un droit extérieur à l’UE (par exemple le CLOUD Act américain) ? Si oui, qu’est-ce qui l’empêche d’être contrainte de communiquer nos données ?',
  },
  'exit.evidence': EVIDENCE_QUESTION,
  'exit.export-formats': {
    en: 'In which formats can we export our data, models and configurations at any time?',
    fr: 'Dans quels formats pouvons-nous exporter à tout moment nos données, nos modèles et nos configurations ?',
  },
  'exit.egress-free': {
    en: 'Is outbound data transfer (egress) free of charge, including at the end of the contract? If not, at what price per GB?',
    fr: 'Le transfert de données sortant (egress) est-il gratuit, y compris en fin de contrat ? Sinon, à quel prix par Go ?',
  },
  'exit.standard-apis': {
    en: 'Which standard interfaces do you expose (S3, Kubernetes, Slurm, OCI images…) so that our workloads run elsewhere unchanged?',
    fr: 'Quelles interfaces standard exposez-vous (S3, Kubernetes, Slurm, images OCI…) pour que nos charges de calcul fonctionnent ailleurs sans modification ?',
  },
  'exit.notice': {
    en: 'What notice period applies to leave the service, and how long do you keep our data available after termination?',
    fr: 'Quel préavis s’applique pour quitter le service, et combien de temps nos données restent-elles disponibles après la résiliation ?',
  },
  'compliance.evidence': EVIDENCE_QUESTION,
  'compliance.gdpr': {
    en: 'Do you act as a processor under GDPR Art. 28, and will you sign our data processing agreement?',
    fr: 'Agissez-vous en tant que sous-traitant au sens de l’article 28 du RGPD, et signerez-vous notre accord de traitement des données ?',
  },
  'compliance.ai-act': {
    en: 'How do you support our obligations under the AI Act (Regulation (EU) 2024/1689), for instance logging and technical documentation?',
    fr: 'Comment nous aidez-vous à remplir nos obligations au titre du règlement sur l’IA (règlement (UE) 2024/1689), par exemple la journalisation et la documentation technique ?',
  },
  'compliance.valid-certification': {
    en: 'Which certifications (ISO/IEC 27001, HDS, SecNumCloud…) cover the sites we would use? Give the issuer, scope and expiry date of each.',
    fr: 'Quelles certifications (ISO/IEC 27001, HDS, SecNumCloud…) couvrent les sites que nous utiliserions ? Précisez l’émetteur, le périmètre et la date d’expiration de chacune.',
  },
  'compliance.none-expired': {
    en: 'Are all your certifications current? For any that has lapsed, give the renewal date and attach the renewed certificate.',
    fr: 'Toutes vos certifications sont-elles en cours de validité ? Pour celles qui ont expiré, indiquez la date de renouvellement et joignez le nouveau certificat.',
  },
  'scalability.evidence': EVIDENCE_QUESTION,
  'scalability.generations': {
    en: 'Which GPU models and generations can we use today?',
    fr: 'Quels modèles et quelles générations de GPU pouvons-nous utiliser aujourd’hui ?',
  },
  'scalability.several-generations': {
    en: 'How soon after their release have you made new GPU generations available in the past?',
    fr: 'Dans quels délais après leur sortie avez-vous mis à disposition les nouvelles générations de GPU par le passé ?',
  },
  'scalability.recent-generation': {
    en: 'When will the latest GPU generations (for example NVIDIA B200 or AMD MI325X) be available to us, and in what quantity?',
    fr: 'Quand les dernières générations de GPU (par exemple NVIDIA B200 ou AMD MI325X) nous seront-elles accessibles, et en quelle quantité ?',
  },
  'scalability.on-demand': {
    en: 'How many GPUs can we obtain on demand, without reservation, and within what lead time?',
    fr: 'Combien de GPU pouvons-nous obtenir à la demande, sans réservation, et dans quel délai ?',
  },
  'pricing.evidence': EVIDENCE_QUESTION,
  'pricing.models': {
    en: 'Which pricing models do you offer (pay-per-use, reserved capacity, commitment), with which billing granularity?',
    fr: 'Quels modèles de tarification proposez-vous (paiement à l’usage, capacité réservée, engagement), et avec quelle granularité de facturation ?',
  },
  'pricing.pay-per-use': {
    en: 'Can we pay only for what we use, without a minimum commitment?',
    fr: 'Pouvons-nous payer uniquement ce que nous consommons, sans engagement minimal ?',
  },
  'pricing.exit-clauses': {
    en: 'On what terms can a commitment be ended early, and what would it cost?',
    fr: 'À quelles conditions un engagement peut-il être résilié de manière anticipée, et à quel coût ?',
  },
  'pricing.sla-credits': {
    en: 'What availability do you commit to, and what service credits do you pay when you miss it?',
    fr: 'Quelle disponibilité garantissez-vous, et quelles pénalités (avoirs) versez-vous lorsqu’elle n’est pas atteinte ?',
  },
};

/** The sentences around the questions. */
export const RFP_WORDING = {
  title: { en: 'Due-diligence questionnaire', fr: 'Questionnaire de due diligence' },
  intro: {
    en: 'As part of a call for tenders for GPU computing capacity, we ask {legalName} to answer the questions below. They cover the points of our due-diligence checklist on which the information we hold is missing, incomplete or more than 12 months old as of {date}.',
    fr: 'Dans le cadre d’un appel d’offres portant sur de la capacité de calcul GPU, nous demandons à {legalName} de répondre aux questions ci-dessous. Elles portent sur les points de notre grille de due diligence pour lesquels les informations dont nous disposons sont absentes, incomplètes ou datent de plus de 12 mois au {date}.',
  },
  instructions: {
    en: 'Please answer each question in writing, date your answers, and attach the evidence requested for each section.',
    fr: 'Merci de répondre par écrit à chaque question, de dater vos réponses et de joindre les justificatifs demandés pour chaque partie.',
  },
  open: { en: 'No answer on file.', fr: 'Aucune réponse à ce jour.' },
  stale: {
    en: 'Our information dates from {asOf} ({ageDays} days ago): please confirm or update it.',
    fr: 'Nos informations datent du {asOf} (il y a {ageDays} jours) : merci de les confirmer ou de les mettre à jour.',
  },
  partial: {
    en: 'Your answer of {asOf} leaves the following points open.',
    fr: 'Votre réponse du {asOf} laisse les points suivants en suspens.',
  },
  current: { en: 'Information on file', fr: 'Informations en notre possession' },
  evidence: { en: 'Evidence to attach', fr: 'Justificatifs à joindre' },
  complete: {
    en: 'Your file answers every question of our checklist: nothing to ask at this date.',
    fr: 'Votre dossier répond à toutes les questions de notre grille : aucune question à poser à cette date.',
  },
} as const satisfies Record<string, Wording>;

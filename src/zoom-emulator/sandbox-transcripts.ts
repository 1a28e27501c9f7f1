import type { TranscriptLine } from './state.ts';

/**
 * What was said in the sandbox's meetings, in French and in English, so that search, talk-time and the
 * call page show real differences between calls. Each script is spread over its meeting: a line
 * lasts as long as it takes to say (about 15 characters a second) and the turns follow each other
 * with short pauses, the way Zoom's transcript cues do.
 */
function spread(script: Array<[string, string]>, startSecond = 2): TranscriptLine[] {
  let at = startSecond * 1000;
  return script.map(([speaker, text]) => {
    const startMs = at;
    const endMs = startMs + Math.max(2000, Math.round((text.length / 15) * 1000));
    at = endMs + 700;
    return { speaker, text, startMs, endMs };
  });
}

export const discoveryGlobex = spread([
  [
    'Emma Dubois',
    'Bonjour Paul, merci d’avoir pris le temps. Vous m’aviez parlé d’un projet de déploiement ?',
  ],
  [
    'Paul Girard',
    'Oui. Nous avons une équipe commerciale de quarante personnes et aucun outil pour réécouter les appels.',
  ],
  ['Emma Dubois', 'Qu’est-ce qui vous manque le plus aujourd’hui ?'],
  ['Paul Girard', 'Retrouver ce que le client a dit sur le budget, surtout pendant la négociation.'],
  ['Paul Girard', 'Nos managers passent des heures à demander des comptes rendus.'],
  [
    'Emma Dubois',
    'Callport transcrit chaque appel et vous pouvez chercher un mot dans toutes les transcriptions.',
  ],
  ['Paul Girard', 'Et la sécurité des données ? Notre direction juridique va poser la question.'],
  [
    'Emma Dubois',
    'Les enregistrements restent chez vous, et la durée de conservation se règle par organisation.',
  ],
  ['Paul Girard', 'Très bien. Quel serait le calendrier pour un pilote ?'],
  ['Emma Dubois', 'Deux semaines de pilote avec l’équipe de Lyon, puis une décision en mars.'],
  ['Paul Girard', 'Envoyez-moi la proposition tarifaire et je la présente au comité.'],
  ['Emma Dubois', 'Je vous l’envoie demain matin. Merci Paul !'],
]);

export const pipelineReview = (week: number) =>
  spread([
    ['Hugo Thomas', `Bonjour à tous, revue du pipeline de la semaine ${week}.`],
    ['Hugo Thomas', 'On commence par les opportunités qui doivent signer ce trimestre.'],
    ['Léa Robert', 'Globex avance bien : Emma envoie la proposition tarifaire, la négociation commence.'],
    ['Jules Richard', 'Initech a demandé une démonstration technique pour leur équipe support.'],
    ['Hugo Thomas', 'Qui s’occupe de la relance chez Umbrella ?'],
    ['Chloé Petit', 'Moi. Le premier rendez-vous est prévu jeudi, ils hésitent encore sur le budget.'],
    ['Hugo Thomas', 'Parfait. Pensez à mettre à jour les montants dans le CRM avant vendredi.'],
  ]);

export const boardPreparation = spread([
  ['Camille Martin', 'Let us go through the board deck: revenue, churn and the hiring plan.'],
  ['Louis Bernard', 'Revenue is up eleven percent this quarter, mostly from the mid-market segment.'],
  ['Camille Martin', 'Churn looks flat. Do we have an explanation for the two enterprise losses?'],
  ['Louis Bernard', 'Both moved to an in-house tool. Pricing was not the reason.'],
  ['Camille Martin', 'Good. The hiring plan needs three more account executives before summer.'],
]);

export const supportEscalation = spread([
  ['Nathan Durand', 'Hi Peter, thanks for jumping on. I understand the imports stopped yesterday?'],
  ['Peter Gibbons', 'Yes, since the update nothing new shows up, and my team is escalating to management.'],
  ['Nathan Durand', 'I see a reconnect warning on your account. The Zoom authorisation expired.'],
  ['Peter Gibbons', 'That would explain it. What do we need to do?'],
  [
    'Nathan Durand',
    'An admin clicks Reconnect in the integrations page; the missed recordings are imported after that.',
  ],
  ['Peter Gibbons', 'Great, I will ask our admin right away.'],
]);

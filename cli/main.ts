import 'dotenv/config';
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { checkDate, UserError } from '../retrieval/errors.ts';
import type { Filters } from '../retrieval/types.ts';

// Each command loads what it needs when it runs: `help` and a mistyped command answer without
// loading the model, the store or compromise (about a second), and `ask` skips the ingest's parsers.
const engineModule = () => import('../retrieval/engine.ts');
const settings = async () => (await import('../retrieval/settings.ts')).settingsFromEnv();
// Every command that opens the engine this way only answers (ingest opens its own): the transformers.js
// model loads on a worker thread, started before anything else is imported, while this one loads the rest.
const openEngine = async () => {
  const s = await settings();
  const offThread = s.embedder.engine === 'use-lite' ? null : import('../embeddings/off-thread.ts').then((m) => m.loadOffThread(s.embedder));
  return (await import('./open-engine.ts')).openEngine(s, undefined, { offThread });
};
const format = () => import('./format.ts');

const USAGE = `Usage: npm run --silent cli -- <command>

  ingest [--rebuild] [dir]              (re)build the index from a folder (default: CORPUS_DIR, the bundled corpus);
                                        --rebuild ignores the index on disk and re-embeds everything (repairs a damaged one)
  ask [--json] [--author A] [--source S] [--since YYYY-MM-DD] [--until YYYY-MM-DD] "question" ["question" ...]
  summary [--json] "<article title or id>"
  sources [--json] "query"
  articles [--json]
  chat                                  interactive questions, answered as the bot does
  feedback [--json] [--export file.json] the Discord votes (FEEDBACK_DB): a summary; --export writes the voted
                                        questions as an evaluation set (npm run eval -- --questions file.json)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      author: { type: 'string' },
      source: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      export: { type: 'string' },
    },
  });
  const print = (s: string) => process.stdout.write(`${s}\n`);
  switch (command) {
    case 'ingest': {
      const [{ Engine }, { log, stopOnSignals }, { progressReporter }, { describeReport }] = await Promise.all([engineModule(), import('./open-engine.ts'), import('./progress.ts'), import('../retrieval/ingest.ts')]);
      const engine = await Engine.open(await settings(), values.rebuild ? () => {} : log);
      const p = progressReporter();
      const stop = stopOnSignals();
      const report = await engine.ingest(positionals[0], p.onProgress, { rebuild: values.rebuild, signal: stop.signal }).finally(() => {
        p.stop();
        stop.dispose();
      });
      print(values.json ? JSON.stringify(report) : `Index ready: ${describeReport(report)}.`);
      return;
    }
    case 'ask': {
      if (!positionals.length) throw new UserError('ask needs a question, e.g. npm run --silent cli -- ask "Who runs Britain\'s railways?"');
      const filters: Filters = { author: values.author, source: values.source, since: checkDate('--since', values.since), until: checkDate('--until', values.until) };
      const [engine, { answerToJson, formatAnswer }] = await Promise.all([openEngine(), format()]);
      for (const q of positionals) {
        // One bad question in a batch is reported and skipped; the others are still answered.
        const answer = await engine.ask(q, { filters, limit: 5 }).catch((e: unknown) => {
          if (!(e instanceof UserError)) throw e;
          process.stderr.write(`${e.message}\n`);
          process.exitCode = 2;
          return null;
        });
        if (answer) print(values.json ? JSON.stringify(answerToJson(answer)) : `Q: ${answer.question}\n${formatAnswer(answer)}\n`);
      }
      return;
    }
    case 'summary': {
      if (!positionals[0]) throw new UserError('summary needs an article title or id; `articles` lists them.');
      const [engine, { formatSummary }] = await Promise.all([openEngine(), format()]);
      const s = await engine.summary(positionals.join(' '));
      print(values.json ? JSON.stringify(s) : formatSummary(s));
      return;
    }
    case 'sources': {
      if (!positionals[0]) throw new UserError('sources needs a query, e.g. sources "Rafah"');
      const [engine, { formatSources }] = await Promise.all([openEngine(), format()]);
      const q = positionals.join(' ');
      const matches = await engine.sources(q);
      print(values.json ? JSON.stringify(matches.map((m) => ({ ...m.article, quote: m.passage.quote, paragraph: m.passage.paragraph, kind: m.passage.kind, score: m.passage.score }))) : formatSources(q, matches));
      return;
    }
    case 'articles': {
      const [engine, { formatArticles }] = await Promise.all([openEngine(), format()]);
      const list = engine.articles();
      print(values.json ? JSON.stringify(list) : formatArticles(list));
      return;
    }
    case 'chat':
      await (await import('./chat.ts')).runChat(await openEngine());
      return;
    case 'feedback': {
      // Loaded here: the native SQLite module costs every other command start-up time.
      const { feedbackDbFromEnv, FeedbackStore } = await import('../discord/feedback.ts');
      const { feedbackToQuestions, formatFeedbackSummary } = await import('./feedback.ts');
      const path = feedbackDbFromEnv();
      const store = new FeedbackStore(path);
      try {
        const voted = store.votedAnswers();
        const questions = feedbackToQuestions(voted);
        if (values.export) {
          writeFileSync(values.export, `${JSON.stringify(questions, null, 2)}\n`);
          process.stderr.write(`Wrote ${questions.answerable.length} answerable and ${questions.farOff.length} unanswerable questions (${questions.toReview.length} to review) to ${values.export}.\n`);
        }
        print(values.json ? JSON.stringify({ answers: voted.length, ...questions }) : formatFeedbackSummary(voted, path));
      } finally {
        store.close();
      }
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      print(USAGE);
      return;
    default:
      throw new UserError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  // Checked by name: importing open-engine.ts for its class would load the engine for every error.
  if ((e as Error).name === 'StoppedError') {
    const { signal } = e as { signal: NodeJS.Signals };
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = signal === 'SIGINT' ? 130 : 143;
  } else if (e instanceof UserError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
});

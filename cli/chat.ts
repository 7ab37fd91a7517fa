import { createInterface } from 'node:readline/promises';
import type { Engine } from '../retrieval/engine.ts';
import { UserError } from '../retrieval/errors.ts';
import { formatAnswer, formatArticles, formatSources, formatSummary } from './format.ts';

const HELP = `Ask a question, or:
  /summary <title>   extractive summary of an article
  /sources <query>   articles covering a topic
  /articles          list the corpus
  /quit              leave`;

/** Terminal chat: the same answers the bot gives, without Discord. */
export async function runChat(engine: Engine, input = process.stdin, output = process.stdout): Promise<void> {
  const rl = createInterface({ input, output, terminal: input.isTTY ?? false });
  output.write(`News quote bot — ${engine.articles().length} articles indexed. Type a question; /help for commands.\n`);
  const prompt = () => output.isTTY ? output.write('> ') : true;
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    const [cmd, ...restWords] = line.split(/\s+/);
    const rest = restWords.join(' ');
    try {
      if (!line) {
        // nothing
      } else if (cmd === '/quit' || cmd === '/exit') {
        break;
      } else if (cmd === '/help') {
        output.write(`${HELP}\n`);
      } else if (cmd === '/articles') {
        output.write(`${formatArticles(engine.articles())}\n`);
      } else if (cmd === '/summary') {
        output.write(`${formatSummary(await engine.summary(rest))}\n`);
      } else if (cmd === '/sources') {
        output.write(`${formatSources(rest, await engine.sources(rest))}\n`);
      } else {
        output.write(`${formatAnswer(await engine.ask(line))}\n`);
      }
    } catch (e) {
      output.write(`${e instanceof UserError ? e.message : `Something went wrong: ${(e as Error).message}`}\n`);
    }
    prompt();
  }
  rl.close();
}

// The `studio` command. Each subcommand lives in its own module and returns an exit code.
import { readFile } from 'node:fs/promises';
import { processIo } from './io.ts';
import { errorMessage } from '../engine/errors.ts';

const HELP = `usage: studio <command> [options]

commands:
  serve [--port N] [--host ADDR] [--data-dir DIR]   run the engine headless with the HTTP/WebSocket API and the UI
  scte35 decode <base64|hex>                        decode a splice_info_section to JSON
  scte35 encode <json|@file> [--hex]                encode JSON to a splice_info_section (base64, or hex)
  ts inspect FILE                                   programs, PIDs, IDRs and SCTE-35 cues of an MPEG-TS file
  ts inject --input IN --output OUT [...]           add an SCTE-35 PID and cues to an MPEG-TS file
  ts hls --input IN --output-dir DIR [...]          splice-aware HLS with ad markers
  version                                           print the version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { runServeCommand } = await import('./serve-command.ts');
      return runServeCommand(rest, processIo);
    }
    case 'scte35': {
      const { runScte35Command } = await import('./scte35-command.ts');
      return runScte35Command(rest, { ...processIo, readFile: (file) => readFile(file, 'utf8') });
    }
    case 'ts': {
      const { runTsCommand } = await import('./ts-command.ts');
      return runTsCommand(rest, processIo);
    }
    case 'version':
    case '--version': {
      const { packageVersion } = await import('../engine/version.ts');
      processIo.stdout(`${packageVersion()}\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      processIo.stdout(HELP);
      return 0;
    default:
      processIo.stderr(`studio: unknown command "${command}"; run "studio help"\n`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`studio: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);

import type { Command } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options that describe an input: --prompt, --image/--video/--audio (repeatable), --set key=value. */
export function inputOptions(command: Command): Command {
  return command
    .option('--prompt <text>', 'the prompt')
    .option('--image <file>', 'an image file or asset:// URI; repeat for several', collect)
    .option('--video <file>', 'a video file or asset:// URI; repeat for several', collect)
    .option('--audio <file>', 'an audio file or asset:// URI; repeat for several', collect)
    .option(
      '--set <key=value>',
      'any input field, e.g. --set duration=5; a media field takes files or URIs (--set sourceImage=./a.png); repeatable',
      collect,
    );
}

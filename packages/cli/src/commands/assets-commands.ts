import type { Command } from 'commander';
import { uploadFile } from '../build-input.ts';
import { contextOf } from '../cli-context.ts';
import { formatBytes } from '../progress-bar.ts';

/** `reelay assets upload <file>`. */
export function assetsCommands(program: Command): void {
  const assets = program.command('assets').description('media files');
  assets
    .command('upload <file>')
    .description('upload a file (streamed, with a progress bar); prints its asset:// URI')
    .option('--content-type <type>', 'the media type to send (by default from the extension)')
    .action(async (file: string, o: { contentType?: string }, command: Command) => {
      const ctx = contextOf(command);
      const asset = await uploadFile(ctx.client(), file, o.contentType);
      const facts = [
        asset.width && `${asset.width}×${asset.height}`,
        asset.durationSeconds && `${asset.durationSeconds} s`,
      ]
        .filter(Boolean)
        .join(', ');
      ctx.print(
        asset,
        `${asset.uri} ${asset.mediaType} ${formatBytes(asset.bytes)}${facts ? ` (${facts})` : ''}`,
      );
    });
}

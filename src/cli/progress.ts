// A text progress bar on standard error, redrawn at most ten times a second.

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number): void; done(): void } {
  let last = 0;
  const started = Date.now();
  const draw = (done: number, total: number) => {
    const width = 30;
    const share = total === 0 ? 1 : done / total;
    const filled = Math.round(share * width);
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    const text = `${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total} (${Math.round(rate)}/s)`;
    stream.write(stream.isTTY ? `\r${text}` : `${text}\n`);
  };
  let lastArgs: [number, number] = [0, 0];
  let drawn: [number, number] | null = null;
  return {
    update(done, total) {
      lastArgs = [done, total];
      const now = Date.now();
      if (now - last < (stream.isTTY ? 100 : 1000) && done < total) return;
      last = now;
      drawn = [done, total];
      draw(done, total);
    },
    done() {
      if (drawn?.[0] !== lastArgs[0] || drawn[1] !== lastArgs[1]) draw(...lastArgs);
      if (stream.isTTY) stream.write('\n');
    },
  };
}

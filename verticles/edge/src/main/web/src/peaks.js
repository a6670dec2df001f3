// The waveform under the player, drawn from a `peaks` render's peaks.json (BBC audiowaveform's JSON, version 2:
// `data` holds a min and a max per pixel per channel, interleaved by channel, in `bits`-bit signed samples). The
// part already played is drawn in the accent colour; clicking or pressing arrows on it seeks.

export function drawPeaks (canvas, peaks, fraction) {
  const context = canvas.getContext('2d')
  const ratio = window.devicePixelRatio || 1
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio))
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio))
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width
    canvas.height = height
  }
  context.clearRect(0, 0, width, height)
  const channels = peaks.channels || 1
  const length = peaks.length || Math.floor(peaks.data.length / (2 * channels))
  if (length === 0) return
  const full = peaks.bits === 8 ? 128 : 32768
  const middle = height / 2
  const played = Math.round(width * Math.min(1, Math.max(0, fraction)))
  for (let x = 0; x < width; x++) {
    // Each column shows the widest swing of the pixels of the data that fall into it, over every channel.
    const first = Math.floor((x * length) / width)
    const last = Math.max(first + 1, Math.floor(((x + 1) * length) / width))
    let low = 0
    let high = 0
    for (let i = first; i < last && i < length; i++) {
      for (let c = 0; c < channels; c++) {
        const at = 2 * (i * channels + c)
        low = Math.min(low, peaks.data[at])
        high = Math.max(high, peaks.data[at + 1])
      }
    }
    const top = middle - (high / full) * middle
    const bottom = middle - (low / full) * middle
    context.fillStyle = x < played ? '#1f6feb' : '#8c959f'
    context.fillRect(x, top, 1, Math.max(1, bottom - top))
  }
}

// Building the page's elements without HTML strings (so no text the API returns is ever parsed as markup).

/** h('button', {type: 'button', onclick}, 'Cancel'): an element with attributes, listeners and children. */
export function h (tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (name === 'dataset') Object.assign(element.dataset, value)
    else if (value === true) element.setAttribute(name, '')
    else element.setAttribute(name, String(value))
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false))
  return element
}

/** 83.4 → "1:23"; 3723 → "1:02:03". */
export function clock (seconds) {
  if (!Number.isFinite(seconds)) return '–'
  const whole = Math.max(0, Math.floor(seconds))
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const secs = String(whole % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`
}

export function bytes (count) {
  if (!Number.isFinite(count)) return '–'
  const units = ['B', 'KB', 'MB', 'GB']
  let value = count
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}

/** Says something to everyone, screen readers included. */
export function notify (message, kind = 'info') {
  const notice = document.getElementById('notice')
  notice.dataset.kind = kind
  notice.textContent = message
}

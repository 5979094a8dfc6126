// One place that shows every error to the user: its code and a message that says what to do.
import { el } from './dom.js';

const box = () => document.getElementById('errors');

/** Shows `error` (a FrameloomError, EditorError or any Error) under `title`; returns its code. */
export function showError(title, error) {
  const code = error?.name === 'AbortError' ? 'aborted' : error?.code ?? 'internal';
  const problems = Array.isArray(error?.errors)
    ? el('ul', {}, error.errors.map((p) => el('li', {}, el('code', {}, p.path || '(project)'), ` ${p.message}`)))
    : null;
  const note = el('div', { class: 'error', role: 'alert', 'data-code': code },
    el('button', { class: 'close', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: () => note.remove() }, '×'),
    el('p', {}, el('strong', {}, `${title}: `), error?.message ?? String(error)),
    problems,
    el('p', {}, el('code', {}, code)));
  box().prepend(note);
  while (box().children.length > 4) box().lastElementChild.remove();
  return code;
}

/** Shows a passing notice (not an error), e.g. "queued until back online". */
export function showNotice(text, kind = 'info') {
  const note = el('div', { class: `notice ${kind}`, role: 'status' },
    el('button', { class: 'close', 'aria-label': 'Dismiss', onclick: () => note.remove() }, '×'), text);
  box().prepend(note);
  return note;
}

/**
 * The silences page, `/silences`: those in force (and with `?all=1` the ended ones), a form to add
 * one and a button to expire each. The writes go through the JSON API with the bearer token
 * (app.js asks for it once), so a silence made here is the same as one from `lookout silence`.
 */
import { formatMatcher } from '../../notify/matchers';
import { listSilences, type Silence } from '../../notify/silence';
import type { RawResponse } from '../http';
import type { UiDeps } from './deps';
import { esc, page, time } from './html';

export function silencesPage(deps: UiDeps, url: URL): RawResponse {
  const all = url.searchParams.has('all');
  const now = deps.clock.now();
  const silences = listSilences(deps.store, deps.clock, { all });
  const rows = silences.map((s) => row(s, now));
  const body = `<h1>Silences</h1>
<p><a href="/silences${all ? '' : '?all=1'}">${all ? 'Only those in force' : 'Show ended ones too'}</a></p>
${rows.length ? `<table data-testid="silences"><tr><th>matchers</th><th>until</th><th>why</th><th></th></tr>${rows.join('')}</table>` : '<p class="muted">No silences.</p>'}
<h2>New silence</h2>
<form class="silence-form" data-testid="silence-form">
<label>Matchers (one a line)<br><textarea name="matchers" rows="3" cols="40" placeholder="service=web"></textarea></label><br>
<label>For <input name="for" value="1h" size="6"></label>
<label>Comment <input name="comment" required size="30"></label>
<button type="submit">Silence</button> <output class="result" data-testid="silence-result"></output>
</form>`;
  return page({ title: 'Silences' }, body);
}

function row(s: Silence, now: number): string {
  const ended = s.endsAt <= now;
  const expire = ended
    ? '<span class="muted">ended</span>'
    : `<button class="expire" data-id="${esc(s.id)}">Expire</button>`;
  return `<tr data-testid="silence-row"><td><code>${esc(s.matchers.map(formatMatcher).join(' '))}</code></td><td>${time(
    s.endsAt,
  )}</td><td>${esc(s.comment)} <span class="muted">(${esc(s.createdBy)})</span></td><td>${expire} <output class="result"></output></td></tr>`;
}

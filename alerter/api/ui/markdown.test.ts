import { markdownToHtml } from './markdown';

test.each([
  ['a heading sits under the page h2', '# Title', '<h3>Title</h3>'],
  [
    'bold, code and an http link',
    '**a** `b` [c](https://x.example)',
    '<p><strong>a</strong> <code>b</code> <a href="https://x.example">c</a></p>',
  ],
  [
    'a numbered list with an indented continuation',
    '1. one\n   more\n2. two',
    '<ol>\n<li>one more</li>\n<li>two</li>\n</ol>',
  ],
  ['a fenced block, escaped', '```\n<b>&\n```', '<pre><code>&lt;b&gt;&amp;</code></pre>'],
  ['raw HTML is text', '<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
  ['a javascript: link stays text', '[x](javascript:alert(1))', '<p>[x](javascript:alert(1))</p>'],
])('%s', (_n, md, html) => {
  expect(markdownToHtml(md)).toBe(html);
});

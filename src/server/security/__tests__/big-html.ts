/** A newsletter-like hostile body of about `mb` megabytes: tables, styles, remote images, scripts. */
export function bigHostileHtml(mb: number): string {
  const chunk =
    '<table width="600" style="border-collapse:collapse;background:url(https://cdn.example/bg.png)"><tr>' +
    '<td style="padding:8px;font-family:Arial;color:#333" background="http:\\\\cdn.example/td.png">' +
    '<img src="https://cdn.example/hero.jpg" srcset="//cdn.example/a.png 1x, /\\cdn.example/b.png 2x" width="600">' +
    '<script>alert(1)</script><a href="javascript:alert(1)" onclick="x()">Offer</a><p id="p">Spring sale &amp; more</p>' +
    '</td></tr></table>';
  return chunk.repeat(Math.ceil((mb * 1024 * 1024) / chunk.length));
}

import { minorUnits, Money } from '@voltlane/billing';
import type { Invoice, Party } from './repository.js';

const MARGIN = 50;
const PAGE_BOTTOM = 842 - MARGIN - 30; // A4 height in points, minus margin and footer

/** Columns of the session table: title, x, width, alignment. */
const COLS: [string, number, number, 'left' | 'right'][] = [
  ['Session end (UTC)', 50, 95, 'left'], ['CDR', 145, 70, 'left'], ['Station', 215, 80, 'left'], ['Id token', 295, 75, 'left'],
  ['kWh', 370, 45, 'right'], ['Duration', 415, 45, 'right'], ['VAT', 460, 35, 'right'], ['Net', 495, 50, 'right'],
];

const date = (isoString: string) => isoString.slice(0, 10);
const dateTime = (isoString: string) => `${isoString.slice(0, 10)} ${isoString.slice(11, 16)}`;
const duration = (hours: number) => {
  const minutes = Math.round(hours * 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
};
const rate = (r: string | null) => (r === null ? 'none' : `${r}%`);

function partyLines(p: Party): string[] {
  return [p.address, p.email, p.vatId ? `VAT ID ${p.vatId}` : undefined].filter((x): x is string => !!x).flatMap((x) => x.split(/\n|\\n/));
}

/**
 * The invoice as an A4 PDF (pdfkit, standard Helvetica: Latin-1 text): seller and buyer, the
 * sessions (one line per CDR and VAT rate), the VAT summary per rate, totals and how to pay.
 * The PDF is rendered from the stored invoice, so it is the same document every time
 * (its creation date is the issue date). `compress: false` leaves the content streams readable.
 * @example const pdf = await renderInvoicePdf(invoice);
 */
export async function renderInvoicePdf(inv: Invoice, opts: { compress?: boolean } = {}): Promise<Buffer> {
  // Loaded on first use: pdfkit costs ~20 MB of memory in every process otherwise.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, bufferPages: true, compress: opts.compress ?? true,
    info: { Title: `Invoice ${inv.number}`, Author: inv.seller.name, Subject: `Charging sessions ${date(inv.periodStart)} - ${date(inv.periodEnd)}`, CreationDate: new Date(inv.issuedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (v: string) => `${inv.currency} ${v}`;

  // Seller (left) and invoice facts (right).
  doc.font('Helvetica-Bold').fontSize(16).text(inv.seller.name, MARGIN, MARGIN, { width: 280 });
  doc.font('Helvetica').fontSize(9);
  for (const l of partyLines(inv.seller)) doc.text(l, { width: 280 });
  doc.font('Helvetica-Bold').fontSize(20).text('INVOICE', 350, MARGIN, { width: 195, align: 'right' });
  doc.font('Helvetica').fontSize(10);
  const facts: [string, string][] = [
    ['Number', inv.number], ['Issue date', date(inv.issuedAt)], ['Due date', date(inv.dueAt)],
    ['Period', `${date(inv.periodStart)} to ${date(new Date(Date.parse(inv.periodEnd) - 1).toISOString())}`],
  ];
  for (const [k, v] of facts) doc.text(`${k}: ${v}`, 350, doc.y, { width: 195, align: 'right' });

  // Buyer.
  let y = Math.max(doc.y, 150) + 15;
  doc.font('Helvetica-Bold').fontSize(10).text('Bill to', MARGIN, y);
  doc.font('Helvetica').text(inv.buyer.name);
  for (const l of partyLines(inv.buyer)) doc.text(l);
  if (inv.customer.kind === 'group') doc.text(`Id token group ${inv.customer.idTokenGroup}`);

  // Sessions.
  y = doc.y + 20;
  const header = () => {
    doc.font('Helvetica-Bold').fontSize(8);
    for (const [title, x, w, align] of COLS) doc.text(title, x, y, { width: w, align });
    y += 13;
    doc.moveTo(MARGIN, y - 3).lineTo(545, y - 3).lineWidth(0.5).stroke();
    doc.font('Helvetica').fontSize(8);
  };
  header();
  for (const l of inv.lines) {
    if (y > PAGE_BOTTOM) {
      doc.addPage();
      y = MARGIN;
      header();
    }
    const cells = [dateTime(l.date), l.credit ? `${l.cdrId} (credit)` : l.cdrId, l.stationId, l.idToken ?? '', l.energyKwh.toFixed(3), duration(l.durationHours), rate(l.vatRate), l.net];
    COLS.forEach(([, x, w, align], i) => doc.text(cells[i]!, x, y, { width: w, align, lineBreak: false, ellipsis: true }));
    y += 12;
  }
  if (!inv.lines.length) {
    doc.text('No sessions.', MARGIN, y);
    y += 12;
  }

  // VAT summary and totals.
  if (y > PAGE_BOTTOM - 120) {
    doc.addPage();
    y = MARGIN;
  }
  y += 15;
  doc.font('Helvetica-Bold').fontSize(9);
  const vatCols: [string, number, number][] = [['VAT rate', 300, 60], ['Base', 360, 60], ['VAT', 420, 60], ['Gross', 480, 65]];
  for (const [t, x, w] of vatCols) doc.text(t, x, y, { width: w, align: 'right' });
  y += 13;
  doc.font('Helvetica');
  for (const v of inv.vatLines) {
    [rate(v.rate), v.base, v.vat, v.gross].forEach((c, i) => doc.text(c, vatCols[i]![1], y, { width: vatCols[i]![2], align: 'right' }));
    y += 12;
  }
  y += 8;
  doc.moveTo(300, y - 4).lineTo(545, y - 4).lineWidth(0.5).stroke();
  const totals: [string, string, boolean][] = [
    ['Total excl. VAT', money(inv.totalExclVat), false], ['VAT', money(inv.totalVat), false], ['Total incl. VAT', money(inv.totalInclVat), true],
  ];
  for (const [k, v, bold] of totals) {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(bold ? 11 : 9);
    doc.text(k, 300, y, { width: 120, align: 'right' });
    doc.text(v, 420, y, { width: 125, align: 'right' });
    y += bold ? 16 : 13;
  }

  // Payment.
  y += 20;
  doc.font('Helvetica-Bold').fontSize(10).text('Payment', MARGIN, y);
  doc.font('Helvetica').fontSize(9);
  if (inv.status === 'paid') doc.text(`Paid${inv.paidAt ? ` on ${date(inv.paidAt)}` : ''}. Thank you.`);
  else {
    const outstanding = new Money(inv.totalInclVat).minus(inv.amountPaid).toFixed(minorUnits(inv.currency));
    const to = inv.seller.iban ? ` to IBAN ${inv.seller.iban}${inv.seller.bic ? ` (BIC ${inv.seller.bic})` : ''}, account holder ${inv.seller.name},` : '';
    doc.text(`Please transfer ${money(outstanding)}${to} by ${date(inv.dueAt)}, quoting ${inv.number} as the payment reference.`, { width: 495 });
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin: without this pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).text(`${inv.number} - page ${i + 1} of ${range.count}`, MARGIN, 842 - MARGIN, { width: 495, align: 'center', lineBreak: false });
  }
  doc.end();
  return done;
}

// Message classification: plausible attachments and invoice vocabulary in six languages.
import { classifyMessage, type MessageAttachmentInfo } from '../src/classify';

const att = (name: string, contentType: string, isInline = false, size = 1000): MessageAttachmentInfo => ({
  name,
  contentType,
  size,
  isInline,
});

describe('classifyMessage', () => {
  it.each([
    ['en', 'Your invoice INV-2024-001 from ACME'],
    ['en credit note', 'Credit note for order 7781'],
    ['de', 'Ihre Rechnung Nr. 4711'],
    ['de compound', 'Stromrechnung März 2024'],
    ['de credit', 'Gutschrift zu Auftrag 12'],
    ['fr', 'Votre facture du mois de mars'],
    ['fr credit', "Facture d'avoir n° 45"],
    ['es', 'Factura electrónica F-2024-15'],
    ['it', 'Invio fattura elettronica n. 33'],
    ['nl', 'Uw factuur van april'],
    ['nl credit', 'Creditnota 2024-7'],
  ])('finds invoice vocabulary in a %s subject', (_lang, subject) => {
    const c = classifyMessage({ subject, bodyPreview: '', attachments: [] });
    expect(c.candidate).toBe(true);
    expect(c.reason).toMatch(/invoice vocabulary in the subject/);
    expect(c.candidateAttachments).toEqual([]);
  });

  it.each([
    ['de', 'Anbei erhalten Sie die Rechnungen für Mai.'],
    ['fr', 'Veuillez trouver ci-joint nos factures.'],
    ['es', 'Adjuntamos las facturas pendientes.'],
    ['it', 'In allegato la fattura.'],
    ['nl', 'Hierbij de facturen van deze maand.'],
    ['en', 'Please find the invoice attached.'],
  ])('finds invoice vocabulary in a %s body', (_lang, bodyPreview) => {
    const c = classifyMessage({ subject: 'Documents', bodyPreview, attachments: [] });
    expect(c.candidate).toBe(true);
    expect(c.reason).toMatch(/in the body/);
  });

  it('accepts PDF, XML and ZIP attachments by extension whatever the content type, case-insensitively', () => {
    const c = classifyMessage({
      subject: 'Documents',
      attachments: [
        att('SCAN_0001.PDF', 'application/octet-stream'),
        att('xrechnung.Xml', 'application/octet-stream'),
        att('batch.zip', 'application/x-zip-compressed'),
      ],
    });
    expect(c.candidate).toBe(true);
    expect(c.candidateAttachments).toEqual(['SCAN_0001.PDF', 'xrechnung.Xml', 'batch.zip']);
  });

  it('accepts a document by content type when the name has no extension', () => {
    const c = classifyMessage({ subject: 'x', attachments: [att('document', 'application/pdf')] });
    expect(c.candidateAttachments).toEqual(['document']);
  });

  it('ignores inline images, calendar invites and pictures', () => {
    const c = classifyMessage({
      subject: 'Meeting next week',
      bodyPreview: 'See you there',
      attachments: [
        att('image001.png', 'image/png', true),
        att('invite.ics', 'text/calendar'),
        att('photo.png', 'application/octet-stream'),
        att('logo.pdf', 'application/pdf', true),
        att('event.ics', 'application/octet-stream'),
      ],
    });
    expect(c.candidate).toBe(false);
    expect(c.candidateAttachments).toEqual([]);
    expect(c.reason).toMatch(/none of 5 attachment/);
  });

  it('does not mistake look-alike words for invoices', () => {
    for (const subject of [
      'Berechnung der Fläche',
      'Nous allons avoir une réunion',
      'Factory visit',
      'Invoicing team lunch? no: Invoke the API',
    ]) {
      const c = classifyMessage({ subject, attachments: [] });
      // "Invoicing" is invoice vocabulary; the others are not.
      expect({ subject, candidate: c.candidate }).toEqual({ subject, candidate: subject.startsWith('Invoicing') });
    }
  });

  it('is not a candidate without attachments or vocabulary', () => {
    const c = classifyMessage({ subject: 'Lunch?', bodyText: 'Shall we meet at noon?', attachments: [] });
    expect(c).toEqual({
      candidate: false,
      reason: 'no invoice vocabulary and no attachments',
      candidateAttachments: [],
    });
  });

  it('names the attachments and the vocabulary in its reason', () => {
    const c = classifyMessage({ subject: 'Rechnung 4711', attachments: [att('RE-4711.pdf', 'application/pdf')] });
    expect(c.reason).toBe('1 plausible invoice attachment(s): RE-4711.pdf; invoice vocabulary: Rechnung');
  });
});

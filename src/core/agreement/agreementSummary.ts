import type { AgreementRow, AgreementSummary } from '../../shared/panelModel';
import type { AgreementFigures } from './agreementFigures';
import type { AgreementReport } from './agreementReport';

/** The corpus view's agreement figures (plain data for the webview); undefined when no document has two annotators. */
export function agreementSummary(report: AgreementReport): AgreementSummary | undefined {
  if (report.documents.every((d) => d.figures.annotators.length < 2)) return undefined;
  return {
    annotators: report.overall.annotators,
    overall: row('overall', report.overall, report.uncurated),
    documents: report.documents.map((d) => row(d.document, d.figures, d.uncurated)),
  };
}

function row(document: string, f: AgreementFigures, open: number): AgreementRow {
  return {
    document,
    annotators: f.annotators.length,
    spanUnits: f.spans.units,
    spanF1: f.spans.f1,
    spanKappa: f.spans.kappa,
    spanAlpha: f.spans.alpha,
    sharedSpans: f.entities.sharedSpans,
    agreed: f.entities.agreed,
    entityKappa: f.entities.kappa,
    entityAlpha: f.entities.alpha,
    open,
  };
}

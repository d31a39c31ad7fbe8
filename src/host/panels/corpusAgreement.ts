import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { agreementReport } from '../../core/agreement/agreementReport';
import { agreementSummary } from '../../core/agreement/agreementSummary';
import type { TeamDocument } from '../../core/agreement/teamLabels';
import { readTeamStore } from '../../core/agreement/teamStore';
import { ANNOTATION_DIR } from '../../core/annotations/annotationPaths';
import type { Logger } from '../../core/log';
import type { AgreementSummary } from '../../shared/panelModel';

/**
 * The corpus view's agreement figures: every workspace folder's `.entity-links` read as team documents (folder
 * name first when there are several folders). A store that cannot be read (a corrupt file) is logged with its
 * file and line and left out, so the rest of the corpus view still shows.
 */
export async function workspaceAgreement(logger: Logger): Promise<AgreementSummary | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const documents: TeamDocument[] = [];
  for (const folder of folders) {
    if (!fs.existsSync(path.join(folder.uri.fsPath, ANNOTATION_DIR))) continue;
    try {
      const team = await readTeamStore(folder.uri.fsPath);
      documents.push(...team.documents.map((d) => (folders.length > 1 ? { ...d, document: `${folder.name}/${d.document}` } : d)));
    } catch (e) {
      logger.warn(`Corpus view: agreement of ${folder.name} not computed: ${(e as Error).message}`);
    }
  }
  return agreementSummary(agreementReport(documents));
}

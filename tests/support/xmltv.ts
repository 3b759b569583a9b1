// XMLTV validation with the real tools: Debian's xmltv-util ships the DTD, libxml2-utils xmllint.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const XMLTV_DTD = '/usr/share/xmltv/xmltv.dtd';

let written = 0;

/** xmllint's verdict on `xml` against the XMLTV DTD: '' when valid, else its complaints. */
export function xmltvDtdErrors(xml: string, dir: string): string {
  const file = path.join(dir, `guide-${process.pid}-${written++}.xml`);
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', XMLTV_DTD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

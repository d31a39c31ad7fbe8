import type { Entity } from '../../../src/core/kb/entity';

/**
 * The panel tests' KB and document (no vscode import: the end-to-end test reads them in plain Node to rank the
 * same spans with the core and compare). "Dublin" has several real rivals, and one rival's description carries
 * markup that must show as text.
 */
export const PANEL_TEST_KB: readonly Entity[] = [
  { id: 'Q1', title: 'Dublin', text: 'Dublin is the capital city of Ireland, on the river Liffey.', aliases: ['Baile Átha Cliath'], type: 'city' },
  { id: 'Q2', title: 'Dublin, Ohio', text: 'Dublin is a city in Ohio in the United States, a suburb of Columbus.', aliases: [], type: 'city' },
  { id: 'Q3', title: 'Dublin (band)', text: '<img src=x onerror="document.title=\'pwned\'"><script>document.title=\'pwned\'</script> An Irish folk band named after the city.', aliases: ['Dublin'], type: 'band' },
  { id: 'Q4', title: 'Dublin Bay', text: 'Dublin Bay is a bay of the Irish Sea on the east coast of Ireland.', aliases: [], type: 'bay' },
  { id: 'Q10', title: 'Liffey', text: 'The Liffey is a river in Ireland that flows through Dublin.', aliases: ['River Liffey'], type: 'river' },
  { id: 'Q11', title: 'Ireland', text: 'Ireland is an island in the North Atlantic, west of Great Britain.', aliases: [], type: 'island' },
  { id: 'Q12', title: 'Ohio', text: 'Ohio is a state in the Midwestern United States.', aliases: [], type: 'state' },
];

export const PANEL_TEST_TEXT = 'Dublin is the capital of Ireland. The river Liffey flows through Dublin on its way to the sea.\n';

// Types of scripts/options-table.mjs for the TypeScript test that imports it.
export interface Table {
  markdown: string;
  problems: string[];
}
export const README: string;
export function optionsTable(): Promise<Table>;
export function errorsTable(): Promise<Table>;
export function eventsTable(): Promise<Table>;
export const SECTIONS: Record<'options' | 'errors' | 'events', () => Promise<Table>>;
export function readmeSection(readme: string, name: string): string | undefined;

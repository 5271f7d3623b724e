// crm-open-api/node: what only Node can do. fileJournal, the intent journal in a local file (the root entry
// imports no Node built-in, so it runs in browsers and workers too).
export { fileJournal } from './file-journal';
export type { FileJournal, FileJournalOptions } from './file-journal';
export type { Journal, JournalEntry, JournalIntent, JournalSettlement, JournalOutcome } from '../rest/journal/types';

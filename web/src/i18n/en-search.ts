/**
 * en-search.ts — English strings of the search screen, loaded with it (web/src/search/strings.ts)
 * rather than with en.ts, to keep them out of the first visit's JavaScript. ar-search.ts has the
 * same keys.
 */
export const enSearch = {
  search: {
    title: 'Search the evidence',
    query: 'Search query',
    placeholder: 'Words, "a phrase", kind:, source:, place:, after:, before:',
    sort: 'Order',
    relevance: 'Best match first',
    newest: 'Newest first',
    go: 'Search',
    syntax: 'How to write a query',
    facets: 'Narrow the results',
    mapLabel: 'Map of the results by admin area; choose an area with the buttons below',
    total: 'Items found: {{n}}',
    none: 'Nothing found among the items you can see.',
    saved: 'Saved searches',
    saveAs: 'Save this search as',
    save: 'Save',
    facet: {
      kind: 'Kind',
      source: 'Source',
      year: 'Year collected',
      admin1: 'Governorate',
      admin2: 'District',
    },
    help: {
      both: 'both words (buses also finds bus)',
      phrase: 'the words next to each other',
      or: 'either word',
      not: 'without the word',
      prefix: 'words starting with it',
      kind: 'items of one kind',
      source: 'items from one source',
      place: 'items that mention a place inside the area (P-code or name, any spelling)',
      dates: 'collected in a period (year, month or day)',
      ern: 'one item',
      arabic: 'Arabic is matched whatever the alef form, hamza, tashkeel or tatweel.',
    },
  },
};

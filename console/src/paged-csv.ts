// A CSV the API answers a page at a time (the public ledger): each page is a
// file of its own rows under the header, and a `link: <…>; rel="next"` header
// names the next page. Put together with every header but the first left out,
// the pages are the whole file (the last one ends with its TOTAL row).

/** The next page's path from a response's `link` header; none on the last page. */
export function nextPage(link: string | null): string | undefined {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  return match ? match[1] : undefined;
}

/** The pages as one file: the first whole, each later one without its byte order mark and header line. */
export function joinCsvPages(pages: readonly string[]): string {
  return pages
    .map((page, i) => {
      if (i === 0) return page;
      const headerEnd = page.indexOf('\r\n');
      return headerEnd === -1 ? '' : page.slice(headerEnd + 2);
    })
    .join('');
}

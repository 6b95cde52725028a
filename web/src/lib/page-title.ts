import { useEffect } from 'react';

/** Sets the browser tab's title ("Members · Herald") while a page is shown. */
export function usePageTitle(title: unknown): void {
  const text = typeof title === 'string' ? title : null;
  useEffect(() => {
    if (text === null) return undefined;
    const previous = document.title;
    document.title = `${text} · Herald`;
    return () => {
      document.title = previous;
    };
  }, [text]);
}

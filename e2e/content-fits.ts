import { expect, type Page } from "@playwright/test";

/**
 * Nothing in the page's own content reaches past the window's right edge
 * (what scrolls inside its own box excepted). The header's navigation is the
 * layout's, checked by its own spec.
 */
export async function expectContentFits(page: Page) {
  const overflowing = await page.evaluate(() =>
    [...document.querySelectorAll("main *")]
      .filter((element) => {
        for (let parent = element.parentElement; parent && parent.tagName !== "MAIN"; parent = parent.parentElement)
          if (["auto", "scroll", "hidden"].includes(getComputedStyle(parent).overflowX)) return false;
        return element.getBoundingClientRect().right > window.innerWidth + 0.5;
      })
      .map((element) => element.outerHTML.slice(0, 80)),
  );
  expect(overflowing).toEqual([]);
}

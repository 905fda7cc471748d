// Moving between the console's screens in a browser test. A click on a navigation link only changes the address; the
// screen is drawn when the page's hashchange event runs, a task later. Until then the old screen is on show, and a
// field asked for by a label that both share in part (the board's "筛选（项目编号或名称）" and a form's "项目编号")
// is the old screen's: what a test types there is lost when the new screen replaces it. The console marks the link of
// the screen it has drawn (aria-current="page", in the same task as the drawing), so a test waits for that mark.
import type { Page } from 'playwright-core';

/**
 * Follows the link `name` of a navigation and resolves once its screen is drawn: the main navigation (in whichever
 * language the page shows), or the navigation labelled `nav` (the pool's tabs, "专家库管理").
 */
export async function openScreen(page: Page, name: string, nav?: string): Promise<void> {
  const links = nav === undefined ? page.locator('#app > nav') : page.getByRole('navigation', { name: nav });
  await links.getByRole('link', { name, exact: true }).click();
  await links.locator('a[aria-current="page"]').getByText(name, { exact: true }).waitFor();
}

// Package a11y holds the browser tests that check the portals of the
// federation in sites.toml against WCAG 2.1 level AA, the level that
// BITV 2.0 requires of German public bodies. The package has no code
// besides its tests.
//
// The tests build the federation into a temporary folder, serve each
// portal, the search endpoint and the account service on loopback, and
// drive one headless Chromium (/usr/bin/chromium) through them:
//
//   - axe-core audits one page of each type of every portal, the search
//     results page, and the account and mailbox pages of a registered
//     citizen for the rules of WCAG 2.1 A and AA. The portals are also
//     audited with reduced motion and forced colours emulated;
//   - a citizen's way through the portals, the login and the mailbox
//     works with the keyboard alone, with a visible focus indicator at
//     every step;
//   - start and service pages reflow without sideways scrolling or
//     overlapping header text from 320 to 1920 px and at 200 % text size;
//   - printing a service page leaves out the navigation;
//   - the header text of every portal has a contrast ratio of 4.5:1.
//
// The tests skip when Chromium or node_modules/axe-core is missing;
// scripts/browser-deps.sh installs both. docs/accessibility.md explains
// how to run the tests and read their failures.
package a11y

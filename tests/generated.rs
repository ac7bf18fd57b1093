//! The text generated from the options table — the `ResolveOptions` interface in
//! `src/overloads.d.ts` (and so `index.d.ts`) and the README's options table — must match the
//! table. `npm run generate` (`UPDATE_GENERATED=1`) rewrites it.

use std::path::Path;

use nextauth_backend_token::options;

fn sync(file: &str, open: &str, close: &str, body: &str) {
  let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
  let text = std::fs::read_to_string(&path).unwrap();
  let start = text.find(open).unwrap_or_else(|| panic!("{file}: no {open}")) + open.len();
  let end = text[start..]
    .find(close)
    .unwrap_or_else(|| panic!("{file}: no {close}"))
    + start;
  let current = &text[start..end];
  let wanted = format!("\n{body}");
  if current == wanted {
    return;
  }
  if std::env::var_os("UPDATE_GENERATED").is_some() {
    std::fs::write(&path, format!("{}{wanted}{}", &text[..start], &text[end..])).unwrap();
  } else {
    panic!("{file} is out of date with src/options.rs: run `npm run generate`");
  }
}

#[test]
fn typescript_options_follow_the_table() {
  sync(
    "src/overloads.d.ts",
    "// <options> generated from src/options.rs by `npm run generate`: do not edit",
    "// </options>",
    &options::typescript(),
  );
}

#[test]
fn readme_options_table_follows_the_table() {
  sync(
    "README.md",
    "<!-- options: generated from src/options.rs by `npm run generate` -->",
    "<!-- /options -->",
    &options::markdown(),
  );
}

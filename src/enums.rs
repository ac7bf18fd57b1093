//! `string_enum!`: a closed set of values declared once, with the string each variant is in
//! JavaScript. It gives `as_str()`, and with the `node` feature napi's string enum conversion, so
//! `index.d.ts` shows the set as a union of string literals.

macro_rules! string_enum {
  (
    $(#[doc = $doc:literal])*
    pub enum $name:ident $(as $js:literal)? {
      $($(#[doc = $vdoc:literal])* $variant:ident = $value:literal,)*
    }
  ) => {
    $(#[doc = $doc])*
    #[cfg(feature = "node")]
    #[napi_derive::napi(string_enum $(, js_name = $js)?)]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum $name {
      $($(#[doc = $vdoc])* #[napi(value = $value)] $variant,)*
    }

    $(#[doc = $doc])*
    #[cfg(not(feature = "node"))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum $name {
      $($(#[doc = $vdoc])* $variant,)*
    }

    impl $name {
      /// Every value, in declaration order.
      pub const ALL: &'static [$name] = &[$($name::$variant,)*];

      /// The value as JavaScript sees it.
      pub fn as_str(self) -> &'static str {
        match self {
          $($name::$variant => $value,)*
        }
      }
    }
  };
}

//! A located YAML tree and a serde deserializer over it, so that every error, including the
//! semantic ones found after parsing, names a line and column.
//!
//! serde-saphyr locates syntax errors and errors in plainly derived structs, but two things lose
//! the location: serde's internally tagged enums (a step's `do:` key) buffer their content and
//! forget where it came from, and semantic checks (an unknown resident id) happen after
//! deserialization. So the file is parsed once by serde-saphyr into a [`Doc`]: every node with
//! its line, column and source bytes, stored in an arena. The typed file structs are then
//! deserialized from the arena by [`NodeDe`], which attaches the node's position to any error
//! raised for it. Two marker newtypes let a typed struct ask for more than the value:
//! [`Located<T>`] (the value and where it was written) and [`NodeRef`] (the node itself, for the
//! steps, whose shape depends on their `do` key and which are read by hand in `steps`).
//!
//! The file is long (about 1,000 lines besides its tests) on purpose: serde's `Deserializer`
//! and its sequence, map and key accessors are one unit over one arena, each attaching the
//! node's position to the errors it raises; apart, they would share private types across
//! modules for no reader's gain. The last 300 lines came with typed problems (decision 19): the
//! side channel by which a `Deserialize` impl raises a [`Problem`] with its data (`raise`) lives
//! beside the accessors that pick it up and locate it. If it grows further, the seam is the
//! typed-problem plumbing (`raise` and its pick-up) into a module of its own.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    Visitor,
};
use serde::{Deserialize, forward_to_deserialize_any};
use serde_saphyr::{Location, MessageFormatter, Spanned};

use crate::problem::{Found, Limit, Problem, Shape};

/// A 1-based line and column in the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// The start of the file, for errors that belong to the document as a whole.
    pub const START: Pos = Pos { line: 1, column: 1 };

    fn from_location(loc: &Location) -> Pos {
        Pos {
            line: usize::try_from(loc.line()).unwrap_or(usize::MAX),
            column: usize::try_from(loc.column()).unwrap_or(usize::MAX),
        }
    }
}

/// Index of a node in the [`Doc`] arena.
pub type NodeId = usize;

/// A YAML value with scalars already typed by the YAML core schema (as serde-saphyr infers them).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<NodeId>),
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping. Keys are always strings in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: NodeId,
}

/// A node: its value, where it starts, and (for scalars) its byte range in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub bytes: Option<(usize, usize)>,
    pub value: Value,
}

/// A parsed YAML document: the source text and every node, the root first.
#[derive(Debug)]
pub struct Doc<'s> {
    src: &'s str,
    nodes: Vec<Node>,
}

/// A parse error of the YAML itself (bad indentation, unclosed bracket, duplicate key …).
#[derive(Debug)]
pub struct SyntaxError {
    pub pos: Pos,
    pub problem: Box<Problem>,
}

impl<'s> Doc<'s> {
    /// Parses `src` as one YAML document. Duplicate keys are errors (serde-saphyr's default),
    /// so a repeated field is never silently dropped.
    pub fn parse(src: &'s str) -> Result<Doc<'s>, SyntaxError> {
        // Snippets are for terminals; the CLI renders its own, so we take the bare message.
        // Nesting is capped well below serde-saphyr's default of 64: a scenario needs six
        // levels, and each level costs tens of kilobytes of stack in a debug build, so 64
        // nested mappings overflowed a 2 MiB thread stack (a test thread, a tokio worker).
        let options = serde_saphyr::options! {
            with_snippet: false,
            budget: serde_saphyr::budget! { max_depth: MAX_DEPTH },
        };
        let tree: Spanned<Tree> =
            serde_saphyr::from_str_with_options(src, options).map_err(|e| {
                let inner = e.without_snippet();
                SyntaxError {
                    pos: inner
                        .location()
                        .map(|l| Pos::from_location(&l))
                        .unwrap_or(Pos::START),
                    problem: Box::new(plain_problem(inner)),
                }
            })?;
        let mut doc = Doc {
            src,
            nodes: Vec::new(),
        };
        doc.push(tree);
        Ok(doc)
    }

    /// The root node (always id 0).
    pub fn root(&self) -> NodeId {
        0
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The entries of a mapping node, or `None` if the node is not a mapping.
    pub fn entries(&self, id: NodeId) -> Option<&[Entry]> {
        match &self.nodes[id].value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The text of a scalar as written in the file (so `007` stays `007` when read as a string).
    fn raw_text(&self, node: &Node) -> Option<&'s str> {
        let (start, len) = node.bytes?;
        self.src.get(start..start.checked_add(len)?)
    }

    /// A deserializer for one node.
    pub fn de(&self, id: NodeId) -> NodeDe<'_, 's> {
        NodeDe { doc: self, id }
    }

    /// A deserializer presenting some entries of a mapping as a mapping of their own (a step's
    /// fields without its common keys). Errors with no better place are put at `pos`.
    pub fn entries_de<'d>(&'d self, pos: Pos, entries: Vec<&'d Entry>) -> EntriesDe<'d, 's> {
        EntriesDe {
            doc: self,
            pos,
            entries,
        }
    }

    fn push(&mut self, tree: Spanned<Tree>) -> NodeId {
        let id = self.nodes.len();
        let loc = tree.referenced;
        let span = loc.span();
        let bytes = match (span.byte_offset(), span.byte_len()) {
            (Some(o), Some(l)) => usize::try_from(o).ok().zip(usize::try_from(l).ok()),
            _ => None,
        };
        self.nodes.push(Node {
            pos: Pos::from_location(&loc),
            bytes,
            value: Value::Null,
        });
        let value = match tree.value {
            Tree::Null => Value::Null,
            Tree::Bool(b) => Value::Bool(b),
            Tree::Int(i) => Value::Int(i),
            Tree::UInt(u) => Value::UInt(u),
            Tree::Float(f) => Value::Float(f),
            Tree::Str(s) => Value::Str(s),
            Tree::Seq(items) => Value::Seq(items.into_iter().map(|t| self.push(t)).collect()),
            Tree::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Entry {
                        key: k.value,
                        key_pos: Pos::from_location(&k.referenced),
                        value: self.push(v),
                    })
                    .collect(),
            ),
        };
        self.nodes[id].value = value;
        id
    }
}

impl Doc<'static> {
    /// The tree of a JSON value (a policy merged from its layers), every node at the start of
    /// the file: the reader's deserializer, and so its typed errors, serve for it too.
    pub fn from_json(value: &serde_json::Value) -> Doc<'static> {
        let mut doc = Doc {
            src: "",
            nodes: Vec::new(),
        };
        doc.push_json(value);
        doc
    }

    fn push_json(&mut self, json: &serde_json::Value) -> NodeId {
        use serde_json::Value as Json;
        let id = self.nodes.len();
        self.nodes.push(Node {
            pos: Pos::START,
            bytes: None,
            value: Value::Null,
        });
        let value = match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => Value::UInt(u),
                (None, Some(i), _) => Value::Int(i),
                (None, None, f) => Value::Float(f.unwrap_or(f64::NAN)),
            },
            Json::String(s) => Value::Str(s.clone()),
            Json::Array(items) => Value::Seq(items.iter().map(|i| self.push_json(i)).collect()),
            Json::Object(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| Entry {
                        key: k.clone(),
                        key_pos: Pos::START,
                        value: self.push_json(v),
                    })
                    .collect(),
            ),
        };
        self.nodes[id].value = value;
        id
    }
}

/// A parse error in plain words. serde-saphyr's default budget allows 250,000 YAML nodes
/// (scalars, mappings, sequences, alias copies included), which stops alias bombs and runaway
/// files; a resident written in full takes about eleven, so a scenario holds at most about
/// 22,700 residents (docs/scenario-format.md). serde-saphyr's own texts name its internals (`Nodes { nodes:
/// 250001 }`, `DuplicateKeyPolicy in Options`), which mean nothing to the person who wrote the
/// file; its user-facing texts serve for the rest.
fn plain_problem(err: &serde_saphyr::Error) -> Problem {
    use serde_saphyr::budget::BudgetBreach as B;
    let mut err = err;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = err
    {
        err = error;
    }
    match err {
        serde_saphyr::Error::Budget { breach, .. } => Problem::TooLarge(match breach {
            B::Nodes { .. } | B::Events { .. } => Limit::Values,
            B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => Limit::Aliases,
            B::Depth { .. } => Limit::Depth(MAX_DEPTH),
            B::ScalarBytes { .. } | B::InputBytes { .. } => Limit::LongText,
            B::Documents { .. } => Limit::Documents,
            _ => Limit::Other,
        }),
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => Problem::DuplicateKey(key.clone()),
        serde_saphyr::Error::MultipleDocuments { .. } => Problem::MultipleDocuments,
        other => Problem::Syntax(
            serde_saphyr::UserMessageFormatter
                .format_message(other)
                .into_owned(),
        ),
    }
}

/// The deepest nesting of mappings and lists read (see [`Doc::parse`]).
pub const MAX_DEPTH: usize = 24;

/// What serde-saphyr produces: a tree whose every node is wrapped in `Spanned`.
enum Tree {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Tree>>),
    Map(Vec<(Spanned<String>, Spanned<Tree>)>),
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
        struct TreeVisitor;
        impl<'de> Visitor<'de> for TreeVisitor {
            type Value = Tree;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
                Ok(Tree::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
                Ok(Tree::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
                Ok(Tree::UInt(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
                Ok(Tree::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
                Ok(Tree::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Tree, E> {
                Ok(Tree::Str(v))
            }
            fn visit_unit<E>(self) -> Result<Tree, E> {
                Ok(Tree::Null)
            }
            fn visit_none<E>(self) -> Result<Tree, E> {
                Ok(Tree::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
                Tree::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Tree::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
                let mut entries = Vec::new();
                // Keys are read as strings: `on:` stays the key "on" rather than YAML 1.1's
                // boolean, and a non-scalar key is an error located by serde-saphyr.
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Tree::Map(entries))
            }
        }
        d.deserialize_any(TreeVisitor)
    }
}

/// An error raised while deserializing typed values from the tree: what is wrong and, once
/// known, the position of the innermost node it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub problem: Box<Problem>,
    pub pos: Option<Pos>,
}

impl DeError {
    pub fn at(problem: Problem, pos: Pos) -> DeError {
        DeError {
            problem: Box::new(problem),
            pos: Some(pos),
        }
    }

    /// An error of `problem` whose position the node being read gives.
    pub fn new(problem: Problem) -> DeError {
        DeError {
            problem: Box::new(problem),
            pos: None,
        }
    }

    /// Sets the position unless an inner node already did (the innermost place is the most
    /// precise one).
    fn located(mut self, pos: Pos) -> DeError {
        self.pos.get_or_insert(pos);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for DeError {}

thread_local! {
    /// The problem a `Deserialize` impl of this crate raised last ([`raise`]).
    static RAISED: std::cell::RefCell<Option<Problem>> = const { std::cell::RefCell::new(None) };
}

/// The error of `problem`, raised by a `Deserialize` impl of this crate. serde lets such an
/// impl hand its deserializer only a message, so the message is the problem's English and the
/// problem itself waits here: [`DeError`] (the deserializer of every scenario and policy file)
/// takes it back when the same message arrives, so the error keeps its data. Any other
/// deserializer gets the English message.
pub(crate) fn raise<E: de::Error>(problem: Problem) -> E {
    let text = problem.to_string();
    RAISED.with(|r| *r.borrow_mut() = Some(problem));
    E::custom(text)
}

/// What serde's `Unexpected` is, for a message in any language.
fn found_of(unexp: &Unexpected<'_>) -> Found {
    match *unexp {
        Unexpected::Bool(b) => Found::Bool(b),
        Unexpected::Unsigned(n) => Found::Number(n.to_string()),
        Unexpected::Signed(n) => Found::Number(n.to_string()),
        Unexpected::Float(n) => Found::Number(n.to_string()),
        Unexpected::Str(s) => Found::Text(s.to_owned()),
        Unexpected::Char(c) => Found::Text(c.to_string()),
        Unexpected::Unit | Unexpected::Other("an empty value") => Found::Empty,
        Unexpected::Seq => Found::Seq,
        Unexpected::Map => Found::Map,
        _ => Found::Other,
    }
}

/// serde's errors as data: each of its kinds becomes a [`Problem`] whose English is serde's own
/// sentence, so that the reader's errors can be said in another language too.
impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let text = msg.to_string();
        let raised = RAISED
            .with(|r| r.borrow_mut().take())
            .filter(|p| p.to_string() == text);
        DeError::new(raised.unwrap_or(Problem::Custom(text)))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError::new(Problem::InvalidType {
            found: found_of(&unexp),
            found_en: unexp.to_string(),
            expected: exp.to_string(),
        })
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError::new(Problem::InvalidValue {
            found: found_of(&unexp),
            found_en: unexp.to_string(),
            expected: exp.to_string(),
        })
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        DeError::new(Problem::InvalidLength {
            len,
            expected: exp.to_string(),
        })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(Problem::UnknownVariant {
            variant: variant.to_owned(),
            expected: expected.to_vec(),
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(Problem::UnknownField {
            field: field.to_owned(),
            expected: expected.to_vec(),
        })
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::new(Problem::MissingField(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        DeError::new(Problem::DuplicateField(field))
    }
}

const LOCATED_MARKER: &str = "$zairyu::scenario::Located";
const NODE_MARKER: &str = "$zairyu::scenario::NodeRef";

/// A value together with where it was written, for semantic errors found after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub pos: Pos,
    pub value: T,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LocatedVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for LocatedVisitor<T> {
            type Value = Located<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a located value")
            }
            // [`NodeDe`] answers the marker with (line, column, value).
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Located<T>, A::Error> {
                let missing = || de::Error::custom("internal: incomplete located value");
                let line: usize = seq.next_element()?.ok_or_else(missing)?;
                let column: usize = seq.next_element()?.ok_or_else(missing)?;
                let value: T = seq.next_element()?.ok_or_else(missing)?;
                Ok(Located {
                    pos: Pos { line, column },
                    value,
                })
            }
            // Any other deserializer just gives the value; its position is unknown.
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Located<T>, D::Error> {
                Ok(Located {
                    pos: Pos::default(),
                    value: T::deserialize(d)?,
                })
            }
        }
        d.deserialize_newtype_struct(LOCATED_MARKER, LocatedVisitor(std::marker::PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// A reference to a node of the [`Doc`], for parts of the file read by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRef(pub NodeId);

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RefVisitor;
        impl Visitor<'_> for RefVisitor {
            type Value = NodeRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scenario file node (only readable from a parsed scenario file)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeRef, E> {
                usize::try_from(v)
                    .map(NodeRef)
                    .map_err(|_| E::custom("internal: node id out of range"))
            }
        }
        d.deserialize_newtype_struct(NODE_MARKER, RefVisitor)
    }
}

/// What a node is, for an error message ("found a sequence").
fn found(value: &Value) -> Found {
    match value {
        Value::Null => Found::Empty,
        Value::Bool(b) => Found::Bool(*b),
        Value::Int(i) => Found::Number(i.to_string()),
        Value::UInt(u) => Found::Number(u.to_string()),
        Value::Float(f) => Found::Number(f.to_string()),
        Value::Str(s) => Found::Text(s.clone()),
        Value::Seq(_) => Found::Seq,
        Value::Map(_) => Found::Map,
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Other("an empty value"),
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Int(i) => Unexpected::Signed(*i),
        Value::UInt(u) => Unexpected::Unsigned(*u),
        Value::Float(f) => Unexpected::Float(*f),
        Value::Str(s) => Unexpected::Str(s),
        Value::Seq(_) => Unexpected::Seq,
        Value::Map(_) => Unexpected::Map,
    }
}

/// Deserializes one node of a [`Doc`]; errors are put at the node unless an inner one is known.
#[derive(Clone, Copy)]
pub struct NodeDe<'d, 's> {
    doc: &'d Doc<'s>,
    id: NodeId,
}

impl<'d, 's> NodeDe<'d, 's> {
    fn node(&self) -> &'d Node {
        self.doc.node(self.id)
    }

    /// A scalar as text: strings as they are, other scalars as written in the file.
    fn scalar_text(&self) -> Option<std::borrow::Cow<'d, str>> {
        let node = self.node();
        match &node.value {
            Value::Str(s) => Some(s.as_str().into()),
            Value::Bool(_) | Value::Int(_) | Value::UInt(_) | Value::Float(_) => {
                Some(match self.doc.raw_text(node) {
                    Some(raw) => raw.trim().into(),
                    None => match &node.value {
                        Value::Bool(b) => b.to_string().into(),
                        Value::Int(i) => i.to_string().into(),
                        Value::UInt(u) => u.to_string().into(),
                        Value::Float(f) => f.to_string().into(),
                        _ => unreachable!("matched scalar above"),
                    },
                })
            }
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

impl<'de, 'd, 's> Deserializer<'de> for NodeDe<'d, 's> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.node();
        let result = match &node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::UInt(u) => visitor.visit_u64(*u),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(items) => visitor.visit_seq(SeqDe {
                doc: self.doc,
                items: items.iter(),
            }),
            Value::Map(entries) => visitor.visit_map(MapDe::new(self.doc, entries.iter())),
        };
        result.map_err(|e| e.located(node.pos))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.node();
        match node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.located(node.pos))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.node();
        match self.scalar_text() {
            Some(text) => visitor.visit_str(&text),
            None => Err(<DeError as de::Error>::invalid_type(
                unexpected(&node.value),
                &visitor,
            )),
        }
        .map_err(|e| e.located(node.pos))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.node();
        match node.value {
            Value::Bool(b) => visitor.visit_bool(b),
            _ => Err(<DeError as de::Error>::invalid_type(
                unexpected(&node.value),
                &visitor,
            )),
        }
        .map_err(|e| e.located(node.pos))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let node = self.node();
        // Unit variants are written as a string (`status: student`); a variant with data as a
        // mapping of one key (`day_one: { only: [setagaya] }`).
        match &node.value {
            Value::Str(s) => {
                visitor.visit_enum(IntoDeserializer::<DeError>::into_deserializer(s.as_str()))
            }
            Value::Map(entries) if entries.len() == 1 => {
                let entry = &entries[0];
                visitor.visit_enum(MapEnum {
                    key: entry.key.as_str(),
                    value: NodeDe {
                        doc: self.doc,
                        id: entry.value,
                    },
                })
            }
            other => Err(<DeError as de::Error>::invalid_type(
                unexpected(other),
                &visitor,
            )),
        }
        .map_err(|e| e.located(node.pos))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let node = self.node();
        match name {
            NODE_MARKER => visitor.visit_u64(self.id as u64),
            LOCATED_MARKER => visitor.visit_seq(LocatedSeq {
                pos: node.pos,
                de: Some(self),
                stage: 0,
            }),
            _ => visitor.visit_newtype_struct(self),
        }
        .map_err(|e| e.located(node.pos))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    // A struct or map is read from a mapping only. serde's derived structs also accept a
    // sequence, taking its items as the fields in declaration order, so without this
    // `policy: [integrated, 2030-01-01]` would silently become a regime and a law start date.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.node();
        match &node.value {
            Value::Map(entries) => visitor.visit_map(MapDe::new(self.doc, entries.iter())),
            other => Err(DeError::at(
                Problem::Expected {
                    shape: Shape::Mapping,
                    found: found(other),
                },
                node.pos,
            )),
        }
        .map_err(|e| e.located(node.pos))
    }

    // Likewise a list is read from a sequence only, with the same plain message.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.node();
        match &node.value {
            Value::Seq(items) => visitor.visit_seq(SeqDe {
                doc: self.doc,
                items: items.iter(),
            }),
            other => Err(DeError::at(
                Problem::Expected {
                    shape: Shape::Sequence,
                    found: found(other),
                },
                node.pos,
            )),
        }
        .map_err(|e| e.located(node.pos))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit_struct tuple tuple_struct
    }
}

/// The three elements [`Located`] reads: line, column, then the value itself.
struct LocatedSeq<'d, 's> {
    pos: Pos,
    de: Option<NodeDe<'d, 's>>,
    stage: u8,
}

impl<'de> SeqAccess<'de> for LocatedSeq<'_, '_> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        self.stage += 1;
        match self.stage {
            1 => seed
                .deserialize(IntoDeserializer::<DeError>::into_deserializer(
                    self.pos.line as u64,
                ))
                .map(Some),
            2 => seed
                .deserialize(IntoDeserializer::<DeError>::into_deserializer(
                    self.pos.column as u64,
                ))
                .map(Some),
            _ => match self.de.take() {
                Some(de) => seed.deserialize(de).map(Some),
                None => Ok(None),
            },
        }
    }
}

struct SeqDe<'d, 's> {
    doc: &'d Doc<'s>,
    items: std::slice::Iter<'d, NodeId>,
}

impl<'de> SeqAccess<'de> for SeqDe<'_, '_> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            // A `Deserialize` impl may fail after it has read the node (a value outside a
            // closed list): such errors belong to the item too.
            Some(&id) => seed
                .deserialize(self.doc.de(id))
                .map(Some)
                .map_err(|e| e.located(self.doc.node(id).pos)),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'d, 's, I> {
    doc: &'d Doc<'s>,
    entries: I,
    value: Option<NodeId>,
}

impl<'d, 's, I: Iterator<Item = &'d Entry>> MapDe<'d, 's, I> {
    fn new(doc: &'d Doc<'s>, entries: I) -> Self {
        MapDe {
            doc,
            entries,
            value: None,
        }
    }
}

impl<'de, 'd, I: Iterator<Item = &'d Entry>> MapAccess<'de> for MapDe<'d, '_, I> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some(entry) => {
                self.value = Some(entry.value);
                // An unknown field or an invalid map key is reported at the key itself.
                seed.deserialize(KeyDe { key: &entry.key })
                    .map(Some)
                    .map_err(|e| e.located(entry.key_pos))
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(id) => seed
                .deserialize(self.doc.de(id))
                .map_err(|e| e.located(self.doc.node(id).pos)),
            None => Err(de::Error::custom(
                "internal: value requested before its key",
            )),
        }
    }
}

/// A mapping key: always a string, but may name an enum variant (`valid_through:` maps are keyed
/// by card kind).
struct KeyDe<'a> {
    key: &'a str,
}

impl<'de> Deserializer<'de> for KeyDe<'_> {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.key)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_enum(IntoDeserializer::<DeError>::into_deserializer(self.key))
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// Some entries of a mapping, deserialized as a mapping (see [`Doc::entries_de`]).
pub struct EntriesDe<'d, 's> {
    doc: &'d Doc<'s>,
    pos: Pos,
    entries: Vec<&'d Entry>,
}

impl EntriesDe<'_, '_> {
    /// Where the value of `key` starts, if the mapping has it.
    pub fn value_pos(&self, key: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| self.doc.node(e.value).pos)
    }
}

impl<'de> Deserializer<'de> for EntriesDe<'_, '_> {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let pos = self.pos;
        visitor
            .visit_map(MapDe::new(self.doc, self.entries.into_iter()))
            .map_err(|e| e.located(pos))
    }
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// An enum variant with data, written as a mapping of one key: the key names the variant, the
/// value holds its data.
struct MapEnum<'d, 's> {
    key: &'d str,
    value: NodeDe<'d, 's>,
}

impl<'de, 'd, 's> de::EnumAccess<'de> for MapEnum<'d, 's> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let variant = seed.deserialize(IntoDeserializer::<DeError>::into_deserializer(self.key))?;
        Ok((variant, self))
    }
}

impl<'de, 'd, 's> de::VariantAccess<'de> for MapEnum<'d, 's> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Err(DeError::at(
            Problem::TakesNoValue {
                key: self.key.to_owned(),
            },
            self.value.node().pos,
        ))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self.value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.value.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.value.deserialize_map(visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_named_like_yaml_booleans_stay_strings_and_scalars_keep_their_text() {
        let doc = Doc::parse("on: 2026-01-02\naddress: 007\n").unwrap();
        let entries = doc.entries(doc.root()).unwrap();
        assert_eq!(entries[0].key, "on");
        let text = String::deserialize(doc.de(entries[1].value)).unwrap();
        assert_eq!(text, "007");
        assert_eq!(entries[1].key_pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn errors_name_the_innermost_node() {
        let doc = Doc::parse("a:\n  - 1\n  - x\n").unwrap();
        #[derive(Deserialize, Debug)]
        #[expect(dead_code, reason = "only deserialized, to provoke the error")]
        struct A {
            a: Vec<u32>,
        }
        let err = A::deserialize(doc.de(doc.root())).unwrap_err();
        assert_eq!(err.pos, Some(Pos { line: 3, column: 5 }));
        let message = err.problem.to_string();
        assert!(message.contains("expected u32"), "{message}");
    }
}

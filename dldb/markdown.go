package dldb

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markdown converts an HTML fragment, such as the description of a DLDB
// record, to CommonMark with GFM tables. It keeps paragraphs, line
// breaks, strong text, emphasis, links, lists, headings and tables,
// drops other markup but keeps its text, and escapes text so that none
// of it reads as Markdown or HTML. Headings start at level 3, because
// levels 1 and 2 belong to the page and its parts: the highest level the
// fragment uses becomes 3, and each lower level used becomes the next one
// down, up to 6, so that no level is skipped. The result has no
// leading or trailing blank line, and one blank line between blocks.
func markdown(fragment string) (string, error) {
	nodes, err := parseFragment(fragment)
	if err != nil {
		return "", err
	}
	return joinBlocks(convertBlocks(nodes, headingLevels(nodes)), false), nil
}

// headingLevels maps each heading level that occurs under nodes to its
// level in Markdown: the highest to 3, the next lower one to 4, and so
// on, up to 6.
func headingLevels(nodes []*html.Node) map[int]int {
	used := make(map[int]bool)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type != html.ElementNode || isSkipped(n) {
			return
		}
		if level := headingLevel(n); level > 0 {
			used[level] = true
		}
		for child := range n.ChildNodes() {
			walk(child)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	levels := make(map[int]int, len(used))
	for i, level := range slices.Sorted(maps.Keys(used)) {
		levels[level] = min(3+i, 6)
	}
	return levels
}

// parseFragment parses HTML as the content of a body element, the way a
// browser parses it, repairing broken markup.
func parseFragment(fragment string) ([]*html.Node, error) {
	context := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), context)
	if err != nil {
		return nil, fmt.Errorf("parsing HTML: %w", err)
	}
	return nodes, nil
}

// blockKind is the kind of a Markdown block.
type blockKind int

const (
	paragraphBlock blockKind = iota
	headingBlock
	listBlock
	tableBlock
	quoteBlock
)

// block is a rendered Markdown block without a trailing newline.
type block struct {
	kind blockKind
	text string
	// interrupts is set on a list that may follow a paragraph line without
	// a blank line: a bullet list or an ordered list starting at 1.
	interrupts bool
}

// joinBlocks joins blocks with blank lines. Inside a list item (tight),
// a list follows a paragraph directly, so that a nested list keeps the
// item tight.
func joinBlocks(blocks []block, tight bool) string {
	var b strings.Builder
	for i, bl := range blocks {
		if i > 0 {
			if tight && blocks[i-1].kind == paragraphBlock && bl.kind == listBlock && bl.interrupts {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		b.WriteString(bl.text)
	}
	return b.String()
}

// blockConverter turns HTML nodes into Markdown blocks. Text and inline
// elements collect in inline until a block element ends the paragraph.
type blockConverter struct {
	blocks []block
	inline []*inlineNode
	// pre counts the enclosing pre elements, whose line breaks are kept.
	pre int
	// levels maps HTML heading levels to Markdown ones.
	levels map[int]int
}

// convertBlocks converts HTML nodes to Markdown blocks, with the heading
// levels that levels gives.
func convertBlocks(nodes []*html.Node, levels map[int]int) []block {
	c := &blockConverter{levels: levels}
	for _, n := range nodes {
		c.node(n)
	}
	c.flush()
	return c.blocks
}

func (c *blockConverter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		c.inline = append(c.inline, textInlines(n.Data, c.pre > 0)...)
	case html.ElementNode:
		c.element(n)
	}
}

func (c *blockConverter) children(n *html.Node) {
	for child := range n.ChildNodes() {
		c.node(child)
	}
}

func (c *blockConverter) element(n *html.Node) {
	switch {
	case isSkipped(n):
	case n.DataAtom == atom.Br:
		c.inline = append(c.inline, &inlineNode{kind: breakInline})
	case headingLevel(n) > 0:
		c.flush()
		c.heading(n)
	case n.DataAtom == atom.Ul || n.DataAtom == atom.Ol:
		c.flush()
		c.list(n)
	case n.DataAtom == atom.Table:
		c.flush()
		c.table(n)
	case n.DataAtom == atom.Blockquote:
		c.flush()
		c.quote(n)
	case n.DataAtom == atom.Pre:
		c.flush()
		c.pre++
		c.children(n)
		c.pre--
		c.flush()
	case isBlock(n):
		c.flush()
		c.children(n)
		c.flush()
	case isSpan(n) && !hasBlockDescendant(n):
		c.inline = append(c.inline, inlineElement(n, c.pre > 0)...)
	case n.DataAtom == atom.A:
		// A link around blocks keeps its destination, and its blocks
		// become one line of link text.
		c.inline = append(c.inline, inlineElement(n, c.pre > 0)...)
	default:
		// Inline elements without a Markdown form, and strong text or
		// emphasis around blocks, leave only their content.
		c.children(n)
	}
}

// flush ends the current paragraph.
func (c *blockConverter) flush() {
	for _, p := range writeInline(c.inline, false) {
		c.blocks = append(c.blocks, block{kind: paragraphBlock, text: p})
	}
	c.inline = nil
}

func (c *blockConverter) heading(n *html.Node) {
	text := writeInlineLine(inlineChildren(n, false))
	if text == "" {
		return
	}
	// A trailing # would read as the heading's optional closing sequence.
	if strings.HasSuffix(text, "#") {
		text = text[:len(text)-1] + "\\#"
	}
	level := c.levels[headingLevel(n)]
	c.blocks = append(c.blocks, block{kind: headingBlock, text: strings.Repeat("#", level) + " " + text})
}

func (c *blockConverter) quote(n *html.Node) {
	var nodes []*html.Node
	for child := range n.ChildNodes() {
		nodes = append(nodes, child)
	}
	text := joinBlocks(convertBlocks(nodes, c.levels), false)
	if text == "" {
		return
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if line == "" {
			lines[i] = ">"
		} else {
			lines[i] = "> " + line
		}
	}
	c.blocks = append(c.blocks, block{kind: quoteBlock, text: strings.Join(lines, "\n")})
}

// list renders ul and ol. Content between the items of a list, such as a
// nested list written without its li, joins the item before it.
func (c *blockConverter) list(n *html.Node) {
	var items [][]*html.Node
	for child := range n.ChildNodes() {
		switch {
		case child.Type == html.ElementNode && child.DataAtom == atom.Li:
			var content []*html.Node
			for grandchild := range child.ChildNodes() {
				content = append(content, grandchild)
			}
			items = append(items, content)
		case child.Type == html.TextNode && strings.TrimFunc(child.Data, isHTMLSpace) == "":
		case len(items) == 0:
			items = append(items, []*html.Node{child})
		default:
			items[len(items)-1] = append(items[len(items)-1], child)
		}
	}

	ordered := n.DataAtom == atom.Ol
	number := 1
	if start, err := strconv.Atoi(attr(n, "start")); ordered && err == nil && start >= 0 && start < 1_000_000 {
		number = start
	}
	first := number

	var lines []string
	for _, item := range items {
		text := joinBlocks(convertBlocks(item, c.levels), true)
		if text == "" {
			continue
		}
		marker := "- "
		if ordered {
			marker = strconv.Itoa(number) + ". "
			number++
		}
		indent := strings.Repeat(" ", len(marker))
		for i, line := range strings.Split(text, "\n") {
			switch {
			case i == 0:
				lines = append(lines, marker+line)
			case line == "":
				lines = append(lines, "")
			default:
				lines = append(lines, indent+line)
			}
		}
	}
	if len(lines) > 0 {
		text := strings.Join(lines, "\n")
		c.blocks = append(c.blocks, block{kind: listBlock, text: text, interrupts: !ordered || first == 1})
	}
}

// table renders a table as a GFM pipe table whose header row is the
// table's first row. A table of a single cell only lays out its content,
// so that content becomes blocks of their own.
func (c *blockConverter) table(n *html.Node) {
	for child := range n.ChildNodes() {
		if child.Type == html.ElementNode && child.DataAtom == atom.Caption {
			c.children(child)
			c.flush()
		}
	}

	rows := tableRows(n)
	columns := 0
	for _, row := range rows {
		columns = max(columns, len(row))
	}
	if len(rows) == 1 && columns == 1 {
		c.children(rows[0][0])
		c.flush()
		return
	}
	if columns == 0 {
		return
	}

	var lines []string
	empty := true
	for i, row := range rows {
		cells := make([]string, columns)
		for j, cell := range row {
			cells[j] = writeInlineLine(inlineChildren(cell, false))
			empty = empty && cells[j] == ""
		}
		lines = append(lines, tableRow(cells))
		if i == 0 {
			delimiters := make([]string, columns)
			for j := range delimiters {
				delimiters[j] = "---"
			}
			lines = append(lines, tableRow(delimiters))
		}
	}
	if !empty {
		c.blocks = append(c.blocks, block{kind: tableBlock, text: strings.Join(lines, "\n")})
	}
}

func tableRow(cells []string) string {
	return "| " + strings.Join(cells, " | ") + " |"
}

// tableRows returns the cells of a table's rows, in order, leaving out
// the rows of tables nested in cells.
func tableRows(table *html.Node) [][]*html.Node {
	var rows [][]*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for child := range n.ChildNodes() {
			if child.Type != html.ElementNode {
				continue
			}
			switch child.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(child)
			case atom.Tr:
				var cells []*html.Node
				for cell := range child.ChildNodes() {
					if cell.Type == html.ElementNode && (cell.DataAtom == atom.Td || cell.DataAtom == atom.Th) {
						cells = append(cells, cell)
					}
				}
				if len(cells) > 0 {
					rows = append(rows, cells)
				}
			}
		}
	}
	walk(table)
	return rows
}

package main

import (
	"fmt"
	"slices"
)

// linkTarget is a page a generated text may link to, with the link
// written in verbund's syntax.
type linkTarget struct {
	Title, Dest string
}

// serviceLinks returns leistung: links to the base texts, leaving out
// skip.
func serviceLinks(bases []*service, skip *service) []linkTarget {
	var out []linkTarget
	for _, b := range bases {
		if b != skip {
			out = append(out, linkTarget{Title: b.Title, Dest: "leistung:" + b.Slug})
		}
	}
	return out
}

// writeTexts writes the Markdown bodies. Every link must resolve on each
// portal that renders the text. So base texts of the county tier link to
// each other, and base texts of the commune tier also to the core that
// every commune publishes. A portal's own pages link to the base texts it
// publishes and to its offices.
func (p *planner) writeTexts() {
	for _, b := range p.countyBases {
		b.Text = p.fullBody(serviceLinks(p.countyBases, b))
	}
	localTargets := append(slices.Clone(p.countyBases), p.core...)
	for _, b := range p.localBases {
		b.Text = p.fullBody(serviceLinks(localTargets, b))
	}

	county := p.plan.Sites[0]
	for _, s := range p.plan.Sites {
		published := slices.Clone(p.countyBases)
		if !s.county() {
			published = append(published, s.Offered...)
			for _, svc := range s.Services {
				if svc.Base != nil {
					published = append(published, svc.Base)
				}
			}
		}
		links := serviceLinks(published, nil)
		for _, svc := range s.Services {
			if svc.Base != nil {
				svc.Text = p.override(s, county, links)
			} else {
				svc.Text = p.fullBody(links)
			}
		}
		for _, pg := range s.Pages {
			pg.Text = p.freePageText(s, county)
		}
		s.StartText = p.startText(s)
	}
}

// fullBody returns a service description of 400 to 800 words with every
// part, linking to some of links.
func (p *planner) fullBody(links []linkTarget) body {
	g := p.text
	target := between(p.rng, 400, 800)
	// unit is the length of a paragraph in words; the lists, the table and
	// the sentences that close each paragraph add about 190 words.
	unit := max(10, (target-190)*10/105)
	link := func() string {
		if len(links) == 0 {
			return ""
		}
		l := pick(p.rng, links)
		return " " + g.linkSentence(l.Title, l.Dest)
	}

	var b body
	b.Intro = g.paragraph(2*unit) + "\n\n" + g.paragraph(unit) + link()
	if p.rng.IntN(3) == 0 {
		b.Intro += "\n\n### Wer ist betroffen?\n\n" + g.paragraph(unit/2)
	}
	b.Parts[partDocuments] = g.list(between(p.rng, 3, 6), false) + "\n\n" + g.paragraph(unit/2)
	b.Parts[partPrerequisites] = g.paragraph(unit) + "\n\n" + g.list(between(p.rng, 2, 4), false)
	b.Parts[partProcedure] = g.list(between(p.rng, 3, 6), true) + "\n\n" + g.paragraph(unit)
	b.Parts[partFees] = g.paragraph(unit/2) + "\n\n" + g.feeTable(between(p.rng, 2, 4))
	b.Parts[partDeadlines] = g.paragraph(unit)
	b.Parts[partDuration] = g.paragraph(unit / 2)
	b.Parts[partForms] = g.paragraph(unit / 2)
	b.Parts[partLegal] = g.legalList(between(p.rng, 2, 4))
	b.Parts[partRemedy] = g.paragraph(unit)
	b.Parts[partHints] = g.paragraph(unit) + link()
	return b
}

// override returns the parts a commune page of site s writes itself: the
// fees, the hints or both, and now and then the processing time.
func (p *planner) override(s, county *site, links []linkTarget) body {
	g := p.text
	var b body
	overridden := p.rng.IntN(4)
	if overridden != 3 {
		b.Parts[partFees] = fmt.Sprintf("In %s gelten eigene Gebühren. ", s.Name) +
			g.paragraph(between(p.rng, 20, 40)) + "\n\n" + g.feeTable(between(p.rng, 2, 3))
	}
	if overridden != 2 {
		o := pick(p.rng, s.Offices)
		b.Parts[partHints] = g.paragraph(between(p.rng, 30, 60)) +
			fmt.Sprintf(" Ihre Ansprechstelle ist [%s](/dienststellen/%s/).", o.Name, o.Slug)
		if len(links) > 0 {
			l := pick(p.rng, links)
			b.Parts[partHints] += " " + g.linkSentence(l.Title, l.Dest)
		}
		if !s.county() && p.rng.IntN(4) == 0 {
			co := pick(p.rng, county.Offices)
			b.Parts[partHints] += fmt.Sprintf(" Für Fragen an den Landkreis wenden Sie sich an [%s](%s:/dienststellen/%s/).",
				co.Name, county.ID, co.Slug)
		}
	}
	if p.rng.IntN(7) == 0 {
		b.Parts[partDuration] = g.paragraph(between(p.rng, 15, 30))
	}
	return b
}

// freePageText returns the body of a free page of site s.
func (p *planner) freePageText(s, county *site) string {
	g := p.text
	o := pick(p.rng, s.Offices)
	text := g.paragraph(between(p.rng, 60, 120)) + "\n\n" +
		g.list(between(p.rng, 3, 6), false) + "\n\n" +
		g.paragraph(between(p.rng, 40, 80)) +
		fmt.Sprintf(" Alle Leistungen finden Sie unter [Leistungen von A bis Z](/leistungen/);"+
			" Auskunft gibt das [%s](/dienststellen/%s/).", o.Name, o.Slug)
	if !s.county() {
		text += fmt.Sprintf(" Zum Portal des Landkreises: [%s](%s:/).", county.Name, county.ID)
	}
	if p.rng.IntN(3) == 0 {
		text += "\n\n" + g.feeTable(between(p.rng, 2, 4))
	}
	return text
}

// startText returns the introduction on the start page of site s.
func (p *planner) startText(s *site) string {
	return fmt.Sprintf("Willkommen im Portal von %s. ", s.Name) + p.text.paragraph(between(p.rng, 40, 80)) +
		"\n\n- [Leistungen von A bis Z](/leistungen/)\n- [Dienststellen und Öffnungszeiten](/dienststellen/)\n" +
		fmt.Sprintf("- [%s](/%s/)", s.Pages[0].Title, s.Pages[0].Slug)
}

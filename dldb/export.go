package dldb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// export is one DLDB export file.
type export[T any] struct {
	Data []T `json:"data"`
	Meta struct {
		// Generated is the time of the export, such as
		// "2026-06-08T07:41:01".
		Generated string `json:"generated"`
	} `json:"meta"`
}

// service is one record of the services file. Fields the import does not
// use, such as durations and booking limits, are not decoded.
type service struct {
	ID   flexString `json:"id"`
	Name string     `json:"name"`
	// Description and Fees are HTML fragments.
	Description string `json:"description"`
	Fees        string `json:"fees"`
	// Leika is a LeiKa key or several keys separated by commas.
	Leika     flexString            `json:"leika"`
	Meta      optional[serviceMeta] `json:"meta"`
	Locations []locationReference   `json:"locations"`
	Forms     []link                `json:"forms"`
	Links     []link                `json:"links"`
	// DisplayName and Address are fields of locations, which a services
	// file has only when it is the locations file (checkKinds). They are
	// kept undecoded, so that no value of theirs fails the decoding.
	DisplayName json.RawMessage `json:"displayName"`
	Address     json.RawMessage `json:"address"`
}

// serviceMeta is the meta object of a service.
type serviceMeta struct {
	// LastUpdate is the time of the record's last change, such as
	// "2026-06-08T07:41:01".
	LastUpdate string `json:"lastupdate"`
	// Keywords are synonyms of the service's name, separated by commas.
	Keywords string `json:"keywords"`
}

// locationReference is an entry of a service's locations: a location
// that delivers the service.
type locationReference struct {
	Location    flexString            `json:"location"`
	Appointment optional[appointment] `json:"appointment"`
}

// appointment is the booking link of a service at one location.
type appointment struct {
	Link string `json:"link"`
	// Allowed is false when the location takes no bookings for the
	// service; nil when the export omits it.
	Allowed *bool `json:"allowed"`
}

// link is an entry of a service's forms or links.
type link struct {
	Name string `json:"name"`
	Link string `json:"link"`
}

// location is one record of the locations file.
type location struct {
	ID                      flexString        `json:"id"`
	Name                    string            `json:"name"`
	DisplayName             string            `json:"displayName"`
	DisplayNameAlternatives []string          `json:"displayNameAlternatives"`
	Address                 optional[address] `json:"address"`
	Contact                 optional[contact] `json:"contact"`
	// Description and Leika are fields of services, which a locations
	// file has only when it is the services file (checkKinds). They are
	// kept undecoded, so that no value of theirs fails the decoding.
	Description json.RawMessage `json:"description"`
	Leika       json.RawMessage `json:"leika"`
}

// address is the postal address of a location.
type address struct {
	Street      string     `json:"street"`
	HouseNumber flexString `json:"house_number"`
	PostalCode  flexString `json:"postal_code"`
	City        string     `json:"city"`
}

// contact holds the contact details of a location.
type contact struct {
	Phone string `json:"phone"`
	Email string `json:"email"`
	Web   string `json:"webinfo"`
}

// decodeExport reads one export file.
func decodeExport[T any](r io.Reader) (*export[T], error) {
	var e export[T]
	if err := json.NewDecoder(r).Decode(&e); err != nil {
		return nil, err
	}
	return &e, nil
}

// flexString is a JSON string that an export may also write as a number,
// such as an id or a postal code, or as null.
type flexString string

// UnmarshalJSON implements [json.Unmarshaler].
func (s *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*s = ""
		return nil
	case len(data) > 0 && data[0] == '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("expected a string or a number, got %s", data)
	}
	*s = flexString(n)
	return nil
}

// optional is a JSON object that an export may also write as null or as
// an empty array, which PHP-based exporters produce for an empty object.
type optional[T any] struct {
	Value T
}

// UnmarshalJSON implements [json.Unmarshaler].
func (o *optional[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		return nil
	}
	if len(data) > 0 && data[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		if len(items) > 0 {
			return fmt.Errorf("expected an object, got a non-empty array")
		}
		return nil
	}
	return json.Unmarshal(data, &o.Value)
}
